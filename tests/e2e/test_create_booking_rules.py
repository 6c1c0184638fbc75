"""createBooking: who may book for whom, what is valid, and that a refusal writes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.services import Service
from tests.support.api import Api
from tests.support.factory import Factory, Party

ERRORS = "... on Error { code message } ... on ValidationFailedError { field }"
CREATE_BOOKING = f"""
mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{ __typename
  ... on CreateBookingSuccess {{ booking {{ status startTime endTime priceCents currency version
    customer {{ id }} stylist {{ id }} service {{ id }} }} }}
  {ERRORS} }} }}
"""


@dataclass(frozen=True)
class Scene:
    party: Party
    service: Service
    inactive: Service
    start: datetime

    def value(self, ref: str) -> str:
        """A test table's name for an input value: a party member, a service, a time."""
        now = self.start - timedelta(days=3)
        named = {
            "unknown": str(uuid.uuid4()),
            "inactive": str(self.inactive.id),
            "past": (now - timedelta(minutes=1)).isoformat(),
            "now": now.isoformat(),
            "no offset": self.start.replace(tzinfo=None).isoformat(),
        }
        if ref in named:
            return named[ref]
        person = getattr(self.party, ref, None)
        return str(person.id) if person is not None else ref

    def booking_input(self, **refs: str) -> dict[str, str]:
        given = {"stylistId": "stylist", "serviceId": str(self.service.id)} | refs
        return {"startTime": self.start.isoformat()} | {k: self.value(v) for k, v in given.items()}


async def _scene(factory: Factory) -> Scene:
    service = await factory.service(minutes=45, price_cents=3000)
    inactive = await factory.service(active=False)
    start = factory.clock.now() + timedelta(days=3)
    return Scene(party=await factory.party(), service=service, inactive=inactive, start=start)


@pytest.mark.parametrize(
    ("who", "refs"),
    [
        ("customer", {}),
        ("customer", {"customerId": "customer"}),
        ("admin", {"customerId": "customer"}),
        ("system", {"customerId": "customer"}),
    ],
)
async def test_a_booking_takes_its_end_and_price_from_the_service(
    api: Api, factory: Factory, who: str, refs: dict[str, str]
) -> None:
    scene = await _scene(factory)
    party = scene.party

    body = await api.gql(
        CREATE_BOOKING,
        {"input": scene.booking_input(**refs)},
        token=factory.token(getattr(party, who)),
    )

    assert body["data"]["createBooking"]["booking"] == {
        "status": "PENDING",
        "startTime": scene.start.isoformat(),
        "endTime": (scene.start + timedelta(minutes=45)).isoformat(),
        "priceCents": 3000,
        "currency": "EUR",
        "version": 1,
        "customer": {"id": str(party.customer.id)},
        "stylist": {"id": str(party.stylist.id)},
        "service": {"id": str(scene.service.id)},
    }


INVALID = "VALIDATION_FAILED"
REFUSED_CREATES: list[tuple[str, str, dict[str, str], str, str | None]] = [
    ("a stylist books", "stylist", {}, "FORBIDDEN", None),
    ("for another customer", "customer", {"customerId": "other_customer"}, "FORBIDDEN", None),
    ("admin without customer", "admin", {}, INVALID, "customerId"),
    ("system without customer", "system", {}, INVALID, "customerId"),
    ("an unknown customer", "admin", {"customerId": "unknown"}, INVALID, "customerId"),
    ("a stylist as customer", "admin", {"customerId": "other_stylist"}, INVALID, "customerId"),
    ("a start in the past", "customer", {"startTime": "past"}, INVALID, "startTime"),
    ("a start right now", "customer", {"startTime": "now"}, INVALID, "startTime"),
    ("no time zone", "customer", {"startTime": "no offset"}, INVALID, "startTime"),
    ("an unknown service", "customer", {"serviceId": "unknown"}, INVALID, "serviceId"),
    ("inactive service", "customer", {"serviceId": "inactive"}, INVALID, "serviceId"),
    ("malformed service id", "customer", {"serviceId": "cut"}, INVALID, "serviceId"),
    ("a customer as stylist", "customer", {"stylistId": "other_customer"}, INVALID, "stylistId"),
    ("an admin as stylist", "customer", {"stylistId": "admin"}, INVALID, "stylistId"),
    ("an unknown stylist", "customer", {"stylistId": "unknown"}, INVALID, "stylistId"),
]


@pytest.mark.parametrize(
    ("who", "refs", "code", "field"),
    [case[1:] for case in REFUSED_CREATES],
    ids=[case[0] for case in REFUSED_CREATES],
)
async def test_a_refused_create_writes_nothing(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    who: str,
    refs: dict[str, str],
    code: str,
    field: str | None,
) -> None:
    scene = await _scene(factory)
    party = scene.party

    body = await api.gql(
        CREATE_BOOKING,
        {"input": scene.booking_input(**refs)},
        token=factory.token(getattr(party, who)),
    )

    result = body["data"]["createBooking"]
    assert (result["code"], result.get("field")) == (code, field)
    people = [party.customer.id, party.other_customer.id, party.stylist.id, party.other_stylist.id]
    query = "SELECT count(*) FROM bookings WHERE customer_id = ANY(:ids) OR stylist_id = ANY(:ids)"
    async with engine.connect() as connection:
        written = await connection.execute(text(query), {"ids": [*people, party.admin.id]})
    assert written.scalar_one() == 0
