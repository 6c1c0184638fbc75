"""REVERT_NO_SHOW brings a booking back into its slot: when another booking of the stylist took
that slot meanwhile, the answer is the typed SLOT_UNAVAILABLE and nothing changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.footprint import footprint

REVERT = """mutation($id: ID!, $version: Int!) { transitionBooking(input: {bookingId: $id,
  action: REVERT_NO_SHOW, reason: "she was in the waiting room", expectedVersion: $version}) {
  __typename ... on Error { code message } } }"""


async def test_reverting_a_no_show_into_a_taken_slot_is_slot_unavailable(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    service = await factory.service()
    no_show = await factory.booking(
        party, status=BookingStatus.NO_SHOW, starts_in=-timedelta(hours=1), service=service
    )
    # the slot a no-show leaves is free again: the stylist took a walk-in in it
    await factory.booking(party, starts_in=-timedelta(hours=1), service=service)
    before = await footprint(engine)

    answer = await api.gql(
        REVERT,
        {"id": str(no_show.id), "version": no_show.facts.version},
        token=factory.token(party.admin),
    )

    assert answer == {
        "data": {
            "transitionBooking": {
                "__typename": "SlotUnavailableError",
                "code": "SLOT_UNAVAILABLE",
                "message": "the stylist already has a booking at that time",
            }
        }
    }
    assert await footprint(engine) == before
