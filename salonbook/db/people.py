"""People: provisioning from tokens, upserts, batched loading; the notification of a change to
what `role_of` answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.engine import driver_of
from salonbook.db.tables import people
from salonbook.domain.roles import Role


@dataclass(frozen=True, slots=True)
class Person:
    id: UUID
    role: Role
    display_name: str
    email: str | None
    phone: str | None
    created_at: datetime


def _person(row: Row[Any]) -> Person:
    return Person(
        id=row.id,
        role=Role(row.role),
        display_name=row.display_name,
        email=row.email,
        phone=row.phone,
        created_at=row.created_at,
    )


_ROLE_OF = "SELECT role FROM people WHERE id = $1"

PEOPLE_CHANNEL = "salonbook_people"
"""NOTIFYed with a person's id when their role (or id, or erasure) changes or their row goes,
with `*` when the table is truncated: each process then drops what it cached of them."""
NOTIFY_FUNCTION = "notify_person_change()"
NOTIFY_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION notify_person_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- inside the writing transaction: sent when it commits, never if it rolls back
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('{PEOPLE_CHANNEL}', '*');
        RETURN NULL;
    END IF;
    PERFORM pg_notify('{PEOPLE_CHANNEL}', OLD.id::text);
    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        PERFORM pg_notify('{PEOPLE_CHANNEL}', NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$;
"""
NOTIFY_TRIGGERS = ("people_role_changed", "people_deleted", "people_truncated")
NOTIFY_TRIGGERS_SQL = [
    # no column list (UPDATE OF role): a column a BEFORE trigger changes would slip past it
    """CREATE TRIGGER people_role_changed AFTER UPDATE ON people FOR EACH ROW
        WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.role IS DISTINCT FROM OLD.role
              OR NEW.erased_at IS DISTINCT FROM OLD.erased_at)
        EXECUTE FUNCTION notify_person_change()""",
    """CREATE TRIGGER people_deleted AFTER DELETE ON people FOR EACH ROW
        EXECUTE FUNCTION notify_person_change()""",
    """CREATE TRIGGER people_truncated AFTER TRUNCATE ON people FOR EACH STATEMENT
        EXECUTE FUNCTION notify_person_change()""",
]


async def provision(
    connection: AsyncConnection,
    *,
    person_id: UUID,
    role: Role,
    display_name: str | None,
    email: str | None,
    now: datetime,
) -> Role:
    """Create a person on first sight of their token; an existing person is left as is.
    Their stored role, either way."""
    await connection.execute(
        insert(people)
        .values(
            id=person_id,
            role=role.value,
            display_name=display_name or "",
            email=email,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[people.c.id])
    )
    stored = await role_of(connection, person_id=person_id)
    assert stored is not None, "inserted, or there already"
    return stored


async def role_of(connection: AsyncConnection, *, person_id: UUID) -> Role | None:
    """The person's stored role, the one they act with; None for someone unknown. On the
    driver: every authenticated request this process has not cached the answer for reads it
    (auth/role_cache.py)."""
    role = await driver_of(connection).fetchval(_ROLE_OF, person_id)
    return None if role is None else Role(role)


async def upsert(
    connection: AsyncConnection,
    *,
    person_id: UUID,
    role: Role,
    display_name: str,
    email: str | None,
    phone: str | None,
    now: datetime,
) -> Person:
    values = {"role": role.value, "display_name": display_name, "email": email, "phone": phone}
    statement = (
        insert(people)
        .values(id=person_id, created_at=now, updated_at=now, **values)
        .on_conflict_do_update(index_elements=[people.c.id], set_={**values, "updated_at": now})
        .returning(*people.c)
    )
    return _person((await connection.execute(statement)).one())


async def load_many(connection: AsyncConnection, *, ids: Sequence[UUID]) -> dict[UUID, Person]:
    rows = await connection.execute(select(people).where(people.c.id.in_(ids)))
    return {row.id: _person(row) for row in rows}


async def stylists(connection: AsyncConnection, *, limit: int) -> list[Person]:
    """The first `limit` stylists by display name, then id; erased people are not listed."""
    query = (
        select(people)
        .where(people.c.role == Role.STYLIST.value, people.c.erased_at.is_(None))
        .order_by(people.c.display_name, people.c.id)
        .limit(limit)
    )
    return [_person(row) for row in await connection.execute(query)]


async def load(connection: AsyncConnection, *, person_id: UUID) -> Person | None:
    return (await load_many(connection, ids=[person_id])).get(person_id)


async def erase(
    connection: AsyncConnection, *, person_id: UUID, by: UUID, reason: str, now: datetime
) -> bool:
    """Erase the person's personal data wherever it is kept, through the one audited path
    (db/redaction.py); False if the person is unknown."""
    redacted = await connection.scalar(
        text("SELECT erase_person_data(:person, :by, :reason, :at)"),
        {"person": person_id, "by": by, "reason": reason, "at": now},
    )
    return redacted is not None
