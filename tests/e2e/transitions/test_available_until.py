"""`availableActions { availableUntil }` over HTTP, with the server's clock set: UNDO_START until
the START's time plus the undo window (and gone after it), a customer's CANCEL until the start
(and gone at it), and null where no time rule ends an action (COMPLETE, START, MARK_NO_SHOW, a
stylist's CANCEL of a booking in progress)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tests.e2e.transitions.spec_transitions import CUSTOMER, STYLIST, Actor, Moment
from tests.e2e.transitions.transition_calls import arrange, person_of, transition
from tests.support.factory import ApiFactory, Party

MINUTE, MICROSECOND = timedelta(minutes=1), timedelta(microseconds=1)
VIEW = """
query($id: ID!) {
  booking(id: $id) {
    startTime
    statusHistory { action createdAt }
    availableActions { action availableUntil }
  }
}
"""


async def view(factory: ApiFactory, party: Party, booking_id: UUID, viewer: Actor) -> Any:
    body = await factory.api.gql(
        VIEW, {"id": str(booking_id)}, token=factory.token(person_of(party, viewer))
    )
    assert "errors" not in body, body
    return body["data"]["booking"]


def offered(booking: Any) -> dict[str, datetime | None]:
    """action -> availableUntil, parsed."""
    return {
        a["action"]: None
        if a["availableUntil"] is None
        else datetime.fromisoformat(a["availableUntil"])
        for a in booking["availableActions"]
    }


async def test_undo_start_is_available_until_the_start_plus_the_window_then_gone(
    factory: ApiFactory,
) -> None:
    window = timedelta(minutes=factory.settings.undo_start_minutes)
    party, booking_id = await arrange(
        factory, status="CONFIRMED", moment=Moment(after_start=-10 * MINUTE)
    )
    started = await transition(factory, party, booking_id, action="START", actor=STYLIST)
    assert started["__typename"] == "TransitionBookingSuccess", started
    factory.clock.advance(MINUTE)

    just_after = await view(factory, party, booking_id, STYLIST)

    start_change = just_after["statusHistory"][-1]
    assert start_change["action"] == "START"
    started_at = datetime.fromisoformat(start_change["createdAt"])
    assert offered(just_after) == {
        "COMPLETE": None,
        "CANCEL": None,
        "UNDO_START": started_at + window,
    }

    factory.clock.set(started_at + window)
    at_the_end = await view(factory, party, booking_id, STYLIST)
    factory.clock.set(started_at + window + MICROSECOND)
    past_it = await view(factory, party, booking_id, STYLIST)

    assert offered(at_the_end) == offered(just_after)
    assert offered(past_it) == {"COMPLETE": None, "CANCEL": None}


async def test_a_customers_cancel_is_available_until_the_start(factory: ApiFactory) -> None:
    party, booking_id = await arrange(
        factory, status="CONFIRMED", moment=Moment(after_start=-timedelta(days=2))
    )

    before = await view(factory, party, booking_id, CUSTOMER)
    start = datetime.fromisoformat(before["startTime"])
    factory.clock.set(start - MICROSECOND)
    last_moment = await view(factory, party, booking_id, CUSTOMER)
    factory.clock.set(start)
    at_start = await view(factory, party, booking_id, CUSTOMER)

    assert offered(before) == {"CANCEL": start}
    assert offered(last_moment) == {"CANCEL": start}
    assert offered(at_start) == {}


async def test_complete_and_other_actions_without_an_end_have_none(factory: ApiFactory) -> None:
    started = Moment(after_start=MINUTE, since_change=MINUTE)
    party, in_progress = await arrange(factory, status="IN_PROGRESS", moment=started)
    other_party, confirmed = await arrange(factory, status="CONFIRMED", moment=started)

    # UNDO_START's window has not closed (a minute of five), and it is the only one that ends
    assert offered(await view(factory, party, in_progress, STYLIST)) == {
        "COMPLETE": None,
        "CANCEL": None,
        "UNDO_START": factory.clock.now() + 4 * MINUTE,
    }
    assert offered(await view(factory, other_party, confirmed, STYLIST)) == {
        "START": None,
        "COMPLETE": None,
        "MARK_NO_SHOW": None,
    }
