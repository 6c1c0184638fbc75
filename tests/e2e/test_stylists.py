"""`stylists` over HTTP, on a salon of its own (a database no other test writes to, so the list
is known exactly): every stylist and nobody else, by display name then id, to anyone signed in;
contact details by the Person rule (an admin everyone's, a stylist their own, a customer
nobody's); erased stylists gone; at most STYLISTS_LIMIT; without a token, as `bookings`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db import migrate, people
from salonbook.db.engine import create_engine, unit_of_work
from salonbook.db.people import Person
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE, ensure_roles
from salonbook.db.urls import async_url
from salonbook.domain.clock import SettableClock
from salonbook.domain.roles import Role
from salonbook.use_cases.directory import STYLISTS_LIMIT
from tests.support.api import Api
from tests.support.databases import as_role, own_database, with_database

STYLISTS = "{ stylists { id role displayName email phone } }"


@dataclass(frozen=True)
class Salon:
    api: Api
    engine: AsyncEngine
    clock: SettableClock
    stylists: dict[UUID, Person] = field(default_factory=dict)
    """Every stylist this salon has (the erased taken out)."""

    async def person(self, role: Role, name: str) -> Person:
        """A person with contact details of their own."""
        async with unit_of_work(self.engine) as connection:
            made = await people.upsert(
                connection,
                person_id=uuid.uuid4(),
                role=role,
                display_name=name,
                email=f"{uuid.uuid4().hex[:8]}@salon.example",
                phone="+44 20 7946 0000",
                now=self.clock.now(),
            )
        if role is Role.STYLIST:
            self.stylists[made.id] = made
        return made

    async def erase(self, person: Person, *, by: Person) -> None:
        async with unit_of_work(self.engine) as connection:
            erased = await people.erase(
                connection, person_id=person.id, by=by.id, reason="asked", now=self.clock.now()
            )
        assert erased
        self.stylists.pop(person.id, None)

    def in_order(self) -> list[Person]:
        """The stylists by display name, then id (the names here sort alike in any collation;
        a UUID's text sorts as its bytes)."""
        return sorted(self.stylists.values(), key=lambda p: (p.display_name, str(p.id)))

    async def listed(self, viewer: Person) -> list[dict[str, Any]]:
        body = await self.api.gql(STYLISTS, token=self.api.token(viewer.id, viewer.role))
        assert "errors" not in body, body
        found: list[dict[str, Any]] = body["data"]["stylists"]
        return found


@pytest.fixture(scope="module")
async def salon(server_url: str, settings: Settings, clock: SettableClock) -> AsyncIterator[Salon]:
    """The app serving a database of this module's own, migrated as the suite's is."""
    async with own_database(server_url, prefix="salonbook_stylists", owner=OWNER_ROLE) as name:
        await ensure_roles(server_url, database=name)
        owner = async_url(with_database(as_role(server_url, OWNER_ROLE), name))
        await migrate.upgrade(owner, app_role=APP_ROLE)
        app_url = async_url(with_database(as_role(server_url, APP_ROLE), name))
        own = settings.model_copy(update={"database_url": app_url, "migration_database_url": owner})
        app = create_app(own, clock=clock)
        engine = create_engine(async_url(with_database(server_url, name)), pool_size=2)
        try:
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://salonbook.test"
                ) as http:
                    yield Salon(api=Api(http=http, settings=own), engine=engine, clock=clock)
        finally:
            await engine.dispose()


def card(person: Person, *, contact: bool) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "role": "STYLIST",
        "displayName": person.display_name,
        "email": person.email if contact else None,
        "phone": person.phone if contact else None,
    }


async def test_stylists_are_listed_by_name_then_id_with_contacts_by_the_person_rule(
    salon: Salon,
) -> None:
    zoe = await salon.person(Role.STYLIST, "Zoe Walker")
    twins = [await salon.person(Role.STYLIST, "Mia Brown") for _ in range(2)]
    ada = await salon.person(Role.STYLIST, "Ada Lovelace")
    erased = await salon.person(Role.STYLIST, "Bea Gone")
    customer = await salon.person(Role.CUSTOMER, "Carl Client")
    admin = await salon.person(Role.ADMIN, "Ann Admin")
    await salon.erase(erased, by=admin)
    mine = [str(p.id) for p in (ada, *sorted(twins, key=lambda p: str(p.id)), zoe)]
    everyone = salon.in_order()

    as_admin = await salon.listed(admin)
    as_stylist = await salon.listed(zoe)
    as_customer = await salon.listed(customer)

    assert as_admin == [card(p, contact=True) for p in everyone]
    assert as_stylist == [card(p, contact=p.id == zoe.id) for p in everyone]
    assert as_customer == [card(p, contact=False) for p in everyone]
    assert [p["id"] for p in as_admin if p["id"] in mine] == mine
    assert str(erased.id) not in [p["id"] for p in as_admin]


async def test_without_a_token_stylists_answers_as_bookings_does(salon: Salon) -> None:
    page = await salon.api.post("{ bookings(first: 1) { edges { cursor } } }")
    listed = await salon.api.post("{ stylists { id } }")

    def refusal(field: str) -> dict[str, Any]:
        return {
            "data": None,
            "errors": [
                {
                    "message": "sign in: send Authorization: Bearer <token>",
                    "locations": [{"line": 1, "column": 3}],
                    "path": [field],
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        }

    assert (page.status_code, page.json()) == (200, refusal("bookings"))
    assert (listed.status_code, listed.json()) == (200, refusal("stylists"))


async def test_at_most_stylists_limit_are_listed_the_first_by_name(salon: Salon) -> None:
    admin = await salon.person(Role.ADMIN, "Ann Admin")
    async with unit_of_work(salon.engine) as connection:
        for n in range(STYLISTS_LIMIT + 1):
            made = await people.upsert(
                connection,
                person_id=uuid.uuid4(),
                role=Role.STYLIST,
                display_name=f"Stylist {n:03}",
                email=None,
                phone=None,
                now=salon.clock.now(),
            )
            salon.stylists[made.id] = made
    everyone = salon.in_order()
    assert len(everyone) > STYLISTS_LIMIT

    listed = await salon.listed(admin)

    assert listed == [card(p, contact=True) for p in everyone[:STYLISTS_LIMIT]]
