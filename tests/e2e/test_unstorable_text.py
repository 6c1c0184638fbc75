"""Text PostgreSQL cannot store (a NUL character) is bad input, not a retryable failure."""

from __future__ import annotations

from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory

CANCEL = """
mutation($id: ID!, $reason: String!) {
  transitionBooking(input: {bookingId: $id, action: CANCEL, reason: $reason}) {
    __typename ... on Error { code } } }
"""
ERASE = """
mutation($id: ID!, $reason: String!) {
  erasePerson(input: {personId: $id, reason: $reason}) { __typename ... on Error { code } } }
"""
STATE = "query($id: ID!) { booking(id: $id) { status version statusHistory { id } } }"


async def test_a_reason_with_a_nul_character_is_refused_and_changes_nothing(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    admin = factory.token(party.admin)
    before = await api.gql(STATE, {"id": str(booking.id)}, token=admin)
    answer = await api.gql(CANCEL, {"id": str(booking.id), "reason": "a\x00b"}, token=admin)
    assert answer == {
        "data": {
            "transitionBooking": {
                "__typename": "ValidationFailedError",
                "code": "VALIDATION_FAILED",
            }
        }
    }
    assert await api.gql(STATE, {"id": str(booking.id)}, token=admin) == before

    erased = await api.gql(ERASE, {"id": str(party.customer.id), "reason": "\x00"}, token=admin)
    assert erased["data"]["erasePerson"]["code"] == "VALIDATION_FAILED"
