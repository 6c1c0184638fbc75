"""A status action's checks around the booking's read, in docs/rules.md's order (#errors):
malformed input before anything is read, an idempotency replay before the version, visibility
before the version, the version before permission. decide()'s own order, steps 3 and 5-9, is
tests/unit/domain/test_rules.py's and the transition matrix's."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

from salonbook.db.people import Person
from salonbook.domain.bounds import REASON_MAX
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory

TRANSITION = """
mutation($input: TransitionBookingInput!) { transitionBooking(input: $input) {
  __typename ... on TransitionBookingSuccess { booking { status version } }
  ... on VersionConflictError { currentVersion } ... on Error { code } } }
"""
TOO_LONG = "r" * (REASON_MAX + 1)


async def act(
    api: Api, factory: Factory, person: Person, booking_id: UUID, action: str, **given: Any
) -> dict[str, Any]:
    variables = {"input": {"bookingId": str(booking_id), "action": action, **given}}
    body = await api.gql(TRANSITION, variables, token=factory.token(person))
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["transitionBooking"]
    return result


async def test_a_reason_over_its_bound_is_refused_before_the_booking_is_looked_for(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    for person, booking_id in ((party.other_customer, booking.id), (party.admin, uuid.uuid4())):
        refused = await act(api, factory, person, booking_id, "CANCEL", reason=TOO_LONG)
        assert refused["code"] == "VALIDATION_FAILED"


async def test_a_replayed_key_answers_its_first_result_though_its_version_is_stale_now(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=10)
    )
    given = {"expectedVersion": booking.facts.version, "idempotencyKey": f"k-{uuid.uuid4()}"}

    first = await act(api, factory, party.stylist, booking.id, "START", **given)
    replay = await act(api, factory, party.stylist, booking.id, "START", **given)

    assert first["__typename"] == "TransitionBookingSuccess"
    assert replay == first


async def test_a_booking_the_actor_may_not_see_is_not_found_whatever_version_they_send(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    stale = booking.facts.version - 1

    refused = await act(
        api, factory, party.other_customer, booking.id, "CANCEL", reason="x", expectedVersion=stale
    )
    assert refused["code"] == "NOT_FOUND"


async def test_a_stale_expected_version_is_answered_before_the_actions_permission(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=10)
    )
    version = booking.facts.version

    # a customer never takes START: FORBIDDEN, but only once the version is the current one
    stale = await act(
        api, factory, party.customer, booking.id, "START", expectedVersion=version - 1
    )
    assert (stale["code"], stale["currentVersion"]) == ("VERSION_CONFLICT", version)
    current = await act(api, factory, party.customer, booking.id, "START", expectedVersion=version)
    assert current["code"] == "FORBIDDEN"
