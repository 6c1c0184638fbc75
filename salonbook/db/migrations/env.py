"""Alembic environment: runs the migrations over asyncpg, one process at a time."""

from __future__ import annotations

import asyncio

from alembic import context
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from salonbook.db import booking_functions, guards, privileges, redaction, schedule_guards

MIGRATION_LOCK = 7_301_001  # pg_advisory_lock key: several servers may start at once


def _serves_apart(connection: Connection, app_role: str) -> bool:
    """Whether the app serves as a role of its own (not as the owner, nor as a superuser, whose
    privileges must not be narrowed); a missing app role stops the migration."""
    found = connection.execute(
        text(
            "SELECT rolsuper OR pg_has_role(oid, current_user, 'MEMBER') FROM pg_roles"
            " WHERE rolname = :role"
        ),
        {"role": app_role},
    ).one_or_none()
    if found is None:
        raise RuntimeError(
            f'the app role "{app_role}" does not exist: create it (see the README, Security)'
        )
    return not found[0]


def _run(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    try:
        context.configure(
            connection=connection, target_metadata=None, transaction_per_migration=True
        )
        with context.begin_transaction():
            context.run_migrations()
        head = ScriptDirectory.from_config(context.config).get_current_head()
        if MigrationContext.configure(connection).get_current_revision() == head:
            # what the code derives (never typed into a migration) matches the code, and the
            # app role has exactly the privileges this code's serving needs; a downgrade
            # leaves the older schema as its migrations made it
            for statement in [
                *guards.repeatable_sql(),
                *redaction.repeatable_sql(),
                *booking_functions.repeatable_sql(),
                *schedule_guards.repeatable_sql(),
            ]:
                connection.exec_driver_sql(statement)
            app_role = context.config.attributes.get("app_role")
            if app_role is not None and _serves_apart(connection, app_role):
                for statement in privileges.serving_privileges_sql(app_role):
                    connection.exec_driver_sql(statement)
        connection.commit()
    finally:
        connection.rollback()  # after a failure; else the unlock would fail in place of it
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()


async def _migrate(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


url = context.config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("alembic needs sqlalchemy.url")
asyncio.run(_migrate(url))
