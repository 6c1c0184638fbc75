"""Before serving: the schema at this code's head, and, in production, a serving role that
cannot undo the database's guards."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]

from salonbook.db import migrate
from salonbook.db.urls import plain_url


class ServingRoleRefused(RuntimeError):
    """The service will not serve through this database connection (the message says why and
    what to do)."""


@dataclass(frozen=True, slots=True)
class RoleFacts:
    role: str
    revision: str | None
    can_migrate: bool
    powers: tuple[str, ...]
    """What the role could do that serving must not be able to: empty for a proper app role."""


_FACTS = """
SELECT current_user AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
    EXISTS (
        SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND pg_has_role(c.relowner, 'MEMBER')
    ) AS owns_tables,
    pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'MEMBER')
        AS owns_schema,
    has_schema_privilege('public', 'CREATE') AS creates_in_schema,
    pg_has_role((SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER')
        AS owns_database,
    CASE WHEN to_regclass('alembic_version') IS NULL
        THEN has_schema_privilege('public', 'CREATE')
        ELSE pg_has_role(
            (SELECT relowner FROM pg_class WHERE oid = to_regclass('alembic_version')), 'USAGE')
    END AS can_migrate
FROM pg_roles r WHERE r.rolname = current_user
"""
_POWERS = {
    "superuser": "is a superuser",
    "createrole": "may create roles (and so grant itself others)",
    "owns_tables": "owns the tables (or is a member of their owner)",
    "owns_schema": "owns the schema",
    "owns_database": "owns the database",
    "creates_in_schema": "may create objects in the schema",
}


async def role_facts(url: str) -> RoleFacts:
    connection = await asyncpg.connect(plain_url(url))
    try:
        row = await connection.fetchrow(_FACTS)
        revision = None
        if await connection.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL"):
            revision = await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    powers = tuple(text for name, text in _POWERS.items() if row[name])
    return RoleFacts(
        role=row["role"], revision=revision, can_migrate=row["can_migrate"], powers=powers
    )


def refuse_powerful(facts: RoleFacts) -> None:
    """Production serves only as a role that cannot undo the guards."""
    if facts.powers:
        raise ServingRoleRefused(
            f'SALONBOOK_ENV=production does not serve as database role "{facts.role}": it '
            + "; it ".join(facts.powers)
            + ". DATABASE_URL must name the app role, which has only the privileges serving"
            " needs; `salonbook migrate` runs as the owner (SALONBOOK_MIGRATION_DATABASE_URL)."
        )


def require_head(facts: RoleFacts) -> None:
    head = migrate.head_revision()
    if facts.revision != head:
        raise ServingRoleRefused(
            f"the database is at migration {facts.revision or '(none)'}, this code needs"
            f" {head}: run `salonbook migrate` (as the owner) first"
        )


async def prepare_database(
    *, url: str, owner_url: str | None, production: bool, migrating: bool = True
) -> None:
    """What serving does before it opens its pool. In development it migrates: as the owner
    when its URL is given (granting the serving role what it needs), else as the serving role
    itself when that role can (a one-role setup). Production never migrates here (the owner's
    credentials stay out of the serving process) and refuses a role that could undo the
    guards. Either way the schema must then be at this code's head. `migrating=False`: the
    parent of the worker processes has prepared the database once; a worker only checks."""
    facts = await role_facts(url)
    if production:
        refuse_powerful(facts)
    elif migrating and owner_url is not None:
        await migrate.upgrade(owner_url, app_role=facts.role)
        facts = await role_facts(url)
    elif migrating and facts.can_migrate:
        await migrate.upgrade(url)
        facts = await role_facts(url)
    require_head(facts)
