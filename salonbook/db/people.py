"""People: provisioning from tokens, upserts, batched loading."""

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
    driver: every authenticated request reads it."""
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
