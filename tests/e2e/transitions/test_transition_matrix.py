"""Every action on every status, by every actor (own booking or another's), before and after
the start, over HTTP: the outcome docs/rules.md predicts (spec_transitions.py beside this file),
nothing changed when refused, one audited step when allowed; and who reads the audit's IP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.transitions.spec_transitions import (
    ACTIONS,
    ACTIONS_WITH_REASON,
    ADMIN,
    CUSTOMER,
    EVERY_ACTOR,
    STATUSES,
    STYLIST,
    SYSTEM,
    Actor,
    Moment,
    expected_outcome,
)
from tests.e2e.transitions.transition_calls import (
    UNSET,
    USER_AGENT,
    admin_view,
    arrange,
    arrange_booking,
    attempt,
    booking_as,
    transition,
)
from tests.support.api import CLIENT_IP
from tests.support.factory import ApiFactory

# A day before the start, a minute after the last change: customers and stylists may still
# cancel, a start may still be undone, nothing may start, complete or be marked no-show yet.
DAY_AHEAD = Moment(after_start=-timedelta(days=1), since_change=timedelta(minutes=1))
# An hour in, ten minutes after the last change: the other side of every time rule.
HOUR_IN = Moment(after_start=timedelta(hours=1), since_change=timedelta(minutes=10))
# Later bookings of one party start a week apart, so none overlaps the one before.
WEEK = timedelta(weeks=1)

GROUPS: list[tuple[str, Actor, str, Moment]] = [
    (status, actor, name, moment)
    for status in STATUSES
    for actor in EVERY_ACTOR
    for name, moment in (("day-ahead", DAY_AHEAD), ("hour-in", HOUR_IN))
    # a stranger never sees the booking, whatever the time: one moment is enough
    if actor.own or moment is DAY_AHEAD
]


@pytest.mark.parametrize(
    ("status", "actor", "moment"),
    [pytest.param(s, a, m, id=f"{s}-{a.label}-{name}") for s, a, name, m in GROUPS],
)
async def test_every_action_on_every_status(
    factory: ApiFactory, status: str, actor: Actor, moment: Moment
) -> None:
    reasons = {a: "  customer called  " if a in ACTIONS_WITH_REASON else UNSET for a in ACTIONS}
    expected = {
        action: expected_outcome(
            status=status,
            action=action,
            actor=actor,
            moment=moment,
            reason=None if reasons[action] == UNSET else reasons[action],
        )
        for action in ACTIONS
    }
    party = await factory.party()
    observed: dict[str, str | None] = {}
    booking_id, seen = None, None
    # a refusal leaves the booking as it was (attempt checks it), so refusals share a booking;
    # each change uses up one, and the next is arranged a week later at the same moment
    for action in sorted(ACTIONS, key=lambda a: expected[a] is None):
        if booking_id is None:
            if observed:
                factory.clock.advance(WEEK)
            booking_id = await arrange_booking(factory, party, status=status, moment=moment)
            seen = None
        code, seen = await attempt(
            factory,
            party,
            booking_id,
            action=action,
            actor=actor,
            reason=reasons[action],
            before=seen,
        )
        observed[action] = code
        if code is None:
            booking_id = None

    assert observed == expected


def test_the_matrix_reaches_every_outcome() -> None:
    """The groups above are not all refusals: every step of the precedence up to the time
    rules occurs, and success (the reason steps are in test_transition_reasons.py)."""
    outcomes = {
        expected_outcome(status=status, action=action, actor=actor, moment=moment, reason="x")
        for status, actor, _, moment in GROUPS
        for action in ACTIONS
    }
    assert outcomes == {
        None,
        "NOT_FOUND",
        "FORBIDDEN",
        "INVALID_TRANSITION",
        "INVALID_TIMING",
        "UNDO_WINDOW_EXPIRED",
    }


@pytest.mark.parametrize(
    ("reader", "sees_audit"),
    [(ADMIN, True), (SYSTEM, True), (STYLIST, False), (CUSTOMER, False)],
    ids=lambda value: value.label if isinstance(value, Actor) else str(value),
)
async def test_audit_ip_and_user_agent_are_for_admin_and_system(
    factory: ApiFactory, reader: Actor, sees_audit: bool
) -> None:
    moment = Moment(after_start=-timedelta(minutes=10))
    party, booking_id = await arrange(factory, status="CONFIRMED", moment=moment)
    started = await transition(factory, party, booking_id, action="START", actor=STYLIST)
    assert started["__typename"] == "TransitionBookingSuccess", started

    booking = await booking_as(factory, party, booking_id, actor=reader)

    change = booking["statusHistory"][-1]
    assert (change["action"], change["actorId"]) == ("START", str(party.stylist.id))
    expected = (CLIENT_IP, USER_AGENT) if sees_audit else (None, None)
    assert (change["ipAddress"], change["userAgent"]) == expected


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(factory: ApiFactory) -> None:
    party, booking_id = await arrange(factory, status="PENDING", moment=DAY_AHEAD)

    result = await transition(
        factory,
        party,
        booking_id,
        action="CONFIRM",
        actor=SYSTEM,
        headers={"X-Forwarded-For": "198.51.100.23, 192.0.2.1"},
    )

    assert result["__typename"] == "TransitionBookingSuccess", result
    assert result["statusChange"]["ipAddress"] == CLIENT_IP
    history = (await admin_view(factory, party, booking_id))["statusHistory"]
    assert (history[-1]["ipAddress"], history[-1]["userAgent"]) == (CLIENT_IP, USER_AGENT)
