"""What an idempotency key is, beside replays and races (tests/e2e/test_concurrency.py): it
belongs to the actor who sent it, only a success is remembered, and it is free again after
SALONBOOK_IDEMPOTENCY_HOURS (docs/rules.md#idempotency)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory

TRANSITION = """
mutation($input: TransitionBookingInput!) { transitionBooking(input: $input) {
  __typename ... on TransitionBookingSuccess { booking { status version } }
  ... on Error { code } } }
"""
CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) {
  __typename ... on CreateBookingSuccess { booking { id customer { id } } }
  ... on Error { code } } }
"""


async def act(api: Api, token: str, booking_id: UUID, action: str, **given: Any) -> str:
    """transitionBooking; the success type's name, or the error code."""
    body = await api.gql(
        TRANSITION,
        {"input": {"bookingId": str(booking_id), "action": action, **given}},
        token=token,
    )
    result: dict[str, Any] = body["data"]["transitionBooking"]
    return str(result.get("code", result["__typename"]))


async def test_an_idempotency_key_belongs_to_the_actor_who_sent_it(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    service = await factory.service()
    key, start = f"book-{uuid.uuid4()}", factory.clock.now() + timedelta(days=3)
    made = []
    for customer, hours in ((party.customer, 0), (party.other_customer, 2)):
        given = {
            "stylistId": str(party.stylist.id),
            "serviceId": str(service.id),
            "startTime": (start + timedelta(hours=hours)).isoformat(),
            "idempotencyKey": key,
        }
        body = await api.gql(CREATE, {"input": given}, token=factory.token(customer))
        result = body["data"]["createBooking"]
        assert result["__typename"] == "CreateBookingSuccess", body
        made.append((result["booking"]["customer"]["id"], result["booking"]["id"]))

    (first, one), (second, other) = made
    assert (first, second) == (str(party.customer.id), str(party.other_customer.id))
    assert one != other


async def test_only_a_success_is_remembered_so_a_refused_request_may_be_retried_with_its_key(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    customer, key = factory.token(party.customer), f"cancel-{uuid.uuid4()}"

    assert await act(api, customer, booking.id, "CANCEL", idempotencyKey=key) == "REASON_REQUIRED"
    retried = await act(api, customer, booking.id, "CANCEL", idempotencyKey=key, reason="ill")
    assert retried == "TransitionBookingSuccess"


async def test_an_idempotency_key_is_free_again_after_its_hours(
    api: Api, factory: Factory, clock: SettableClock, settings: Settings
) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=10)
    )
    stylist, key = factory.token(party.stylist), f"work-{uuid.uuid4()}"
    assert await act(api, stylist, booking.id, "START", idempotencyKey=key) == (
        "TransitionBookingSuccess"
    )

    clock.advance(settings.idempotency_ttl - timedelta(seconds=1))
    assert await act(api, stylist, booking.id, "COMPLETE", idempotencyKey=key) == (
        "IDEMPOTENCY_CONFLICT"
    )
    clock.advance(timedelta(seconds=1))
    assert await act(api, stylist, booking.id, "COMPLETE", idempotencyKey=key) == (
        "TransitionBookingSuccess"
    )
