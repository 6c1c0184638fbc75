"""A service's buffer: set and read through upsertService and Service.bufferMinutes (absent
keeps it), and busy time after each booking made through the API: the next booking of the
stylist inside it is SLOT_UNAVAILABLE, right after it is taken."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.schedules.calls import call, rows
from tests.support.api import Api
from tests.support.factory import Factory

UPSERT = """
mutation($input: UpsertServiceInput!) { upsertService(input: $input) { __typename
  ... on UpsertServiceSuccess { service { id bufferMinutes durationMinutes } } } }
"""
SERVICES = "{ services { id bufferMinutes } }"
CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) { __typename
  ... on CreateBookingSuccess { booking { id endTime } } ... on Error { code } } }
"""


def _service(**more: Any) -> dict[str, Any]:
    given = {"name": "Colour", "durationMinutes": 60, "priceCents": 9000, "currency": "EUR"}
    return given | more


async def test_a_buffer_is_set_kept_when_absent_and_listed(api: Api, factory: Factory) -> None:
    party = await factory.party()
    created = await call(api, factory, party.admin, UPSERT, _service(bufferMinutes=20))
    service = created["service"]
    assert (service["bufferMinutes"], service["durationMinutes"]) == (20, 60)
    kept = await call(
        api, factory, party.admin, UPSERT, _service(id=service["id"], durationMinutes=90)
    )
    assert (kept["service"]["bufferMinutes"], kept["service"]["durationMinutes"]) == (20, 90)
    listed = await api.gql(SERVICES, token=factory.token(party.admin))
    assert {"id": service["id"], "bufferMinutes": 20} in listed["data"]["services"]
    cleared = await call(
        api, factory, party.admin, UPSERT, _service(id=service["id"], bufferMinutes=0)
    )
    assert cleared["service"]["bufferMinutes"] == 0
    plain = await call(api, factory, party.admin, UPSERT, _service())
    assert plain["service"]["bufferMinutes"] == 0


async def test_a_bookings_buffer_is_busy_time_for_the_next_booking(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    service = (await call(api, factory, party.admin, UPSERT, _service(bufferMinutes=30)))["service"]
    start = factory.clock.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=4)

    async def book(at: Any) -> dict[str, Any]:
        payload = {
            "stylistId": str(party.stylist.id),
            "serviceId": service["id"],
            "startTime": at.isoformat(),
        }
        return await call(api, factory, party.customer, CREATE, payload)

    first = await book(start)
    assert first["__typename"] == "CreateBookingSuccess"
    (row,) = await rows(
        engine,
        "SELECT end_time, busy_until FROM bookings WHERE id = $1::uuid",
        first["booking"]["id"],
    )
    assert row["busy_until"] - row["end_time"] == timedelta(minutes=30)
    inside = await book(start + timedelta(minutes=75))
    assert (inside["__typename"], inside["code"]) == ("SlotUnavailableError", "SLOT_UNAVAILABLE")
    after = await book(start + timedelta(minutes=90))
    assert after["__typename"] == "CreateBookingSuccess"
