"""Retries the lifecycle machine found wanting: a replayed idempotency key answers with its
first result whatever has happened since, except that a deleted booking stays hidden."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tests.e2e.attacks.lifecycle_calls import Calls
from tests.support.factory import ApiFactory


async def _booked(factory: ApiFactory) -> tuple[Calls, dict[str, Any], str]:
    party = await factory.party()
    service = await factory.service()
    calls = Calls(factory.api, party)
    given = {
        "stylistId": str(party.stylist.id),
        "serviceId": str(service.id),
        "startTime": (factory.clock.now() + timedelta(hours=2)).isoformat(),
        "idempotencyKey": f"book-{uuid.uuid4()}",
    }
    first = await calls.call("createBooking", "customer", given)
    assert first["__typename"] == "CreateBookingSuccess", first
    return calls, given, first["booking"]["id"]


async def test_a_booking_retried_after_its_start_gets_its_first_answer(factory: ApiFactory) -> None:
    calls, given, booking_id = await _booked(factory)
    factory.clock.advance(timedelta(hours=3))

    again = await calls.call("createBooking", "customer", given)
    moved = await calls.call(
        "createBooking", "customer", {**given, "startTime": factory.clock.now().isoformat()}
    )

    assert again == {"__typename": "CreateBookingSuccess", "booking": {"id": booking_id}}
    assert moved["code"] == "IDEMPOTENCY_CONFLICT"


async def test_a_retry_of_a_deleted_booking_does_not_show_it(factory: ApiFactory) -> None:
    calls, given, booking_id = await _booked(factory)
    deleted = await calls.call("deleteBooking", "admin", {"bookingId": booking_id})
    assert deleted["__typename"] == "DeleteBookingSuccess"

    again = await calls.call("createBooking", "customer", given)

    assert (again["__typename"], again["code"]) == ("NotFoundError", "NOT_FOUND")
