"""A change to what a person's stored role answers is NOTIFYed on the people channel with their id
when it commits, whoever makes it: the app role's upsert, an erasure, the owner's own UPDATE or
DELETE. A change of details alone, and a change rolled back, are not.

Notifications arrive in commit order, so "not notified" is shown exactly: a change that is
notified, committed after it, is the next one heard."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.people import PEOPLE_CHANNEL
from salonbook.db.urls import plain_url
from salonbook.domain.roles import Role
from tests.support.factory import Factory

# what upsertPerson sends (salonbook/db/people.py: upsert)
UPSERT = """INSERT INTO people (id, role, display_name, email, phone, created_at, updated_at)
    VALUES ($1, $2, $3, NULL, NULL, now(), now())
    ON CONFLICT (id) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
    email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at"""
ERASE = "SELECT erase_person_data($1, $2, 'asked to', now())"


class Heard:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def __call__(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self.queue.put_nowait(payload)

    async def next(self) -> str:
        return await asyncio.wait_for(self.queue.get(), timeout=5)


@pytest.fixture
async def heard(database_url: str) -> AsyncIterator[Heard]:
    """What the people channel carries, heard as a serving process hears it (as the app role)."""
    connection = await asyncpg.connect(plain_url(database_url))
    found = Heard()
    await connection.add_listener(PEOPLE_CHANNEL, found)
    try:
        yield found
    finally:
        await connection.close()


async def _promote(db: Any, person_id: UUID) -> None:
    """A change that is notified: the app role's upsert of another role."""
    await db.execute(UPSERT, person_id, Role.ADMIN.value, "Promoted")


async def test_the_app_roles_upsert_of_another_role_is_notified_and_one_of_details_is_not(
    db: Any, factory: Factory, heard: Heard
) -> None:
    person, marker = await factory.person(Role.CUSTOMER), await factory.person(Role.CUSTOMER)

    await db.execute(UPSERT, person.id, Role.CUSTOMER.value, "Renamed")  # same role
    await _promote(db, marker.id)
    await db.execute(UPSERT, person.id, Role.STYLIST.value, "Renamed")

    assert [await heard.next(), await heard.next()] == [str(marker.id), str(person.id)]


async def test_an_erasure_is_notified(db: Any, factory: Factory, heard: Heard) -> None:
    party = await factory.party()

    await db.fetchval(ERASE, party.customer.id, party.admin.id)

    assert await heard.next() == str(party.customer.id)


async def test_the_owners_direct_changes_are_notified_and_a_rollback_is_not(
    owner_db: Any, db: Any, factory: Factory, heard: Heard
) -> None:
    person, marker = await factory.person(Role.ADMIN), await factory.person(Role.CUSTOMER)
    gone, moved, new_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for new in (gone, moved):
        await owner_db.execute(UPSERT, new, Role.CUSTOMER.value, "Unreferenced")

    async with owner_db.transaction():
        await owner_db.execute("UPDATE people SET role = 'customer' WHERE id = $1", person.id)
        await owner_db.execute("DELETE FROM people WHERE id = $1", gone)
        await owner_db.execute("UPDATE people SET id = $2 WHERE id = $1", moved, new_id)
    rolled_back = owner_db.transaction()
    await rolled_back.start()
    await owner_db.execute("UPDATE people SET role = 'system' WHERE id = $1", person.id)
    await rolled_back.rollback()
    await _promote(db, marker.id)

    assert [await heard.next() for _ in range(4)] == [
        str(person.id),
        str(gone),
        str(moved),
        str(new_id),
    ]
    assert await heard.next() == str(marker.id)
    stored = await owner_db.fetchval("SELECT role FROM people WHERE id = $1", person.id)
    assert stored == "customer"
