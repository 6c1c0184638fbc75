"""`availableUntil` over every row of the transition table with a time rule, one case per
(status, action, role), against an oracle written here by hand from docs/rules.md: the moment a
time rule ends, and that the action is offered just before it and not after."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from salonbook.domain.actions import AvailableAction, available_actions
from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.domain.transitions import TRANSITIONS
from tests.unit.domain.facts import CUSTOMER, NOW, STYLIST, booking

S, A = BookingStatus, BookingAction
MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)
ACTORS = {
    Role.CUSTOMER: Actor(CUSTOMER, Role.CUSTOMER),
    Role.STYLIST: Actor(STYLIST, Role.STYLIST),
    Role.ADMIN: Actor(uuid.uuid4(), Role.ADMIN),
}
Until = Callable[[BookingFacts], datetime | None]


def no_end(_: BookingFacts) -> None:
    return None


def the_start(facts: BookingFacts) -> datetime:
    return facts.start


def undo_end(facts: BookingFacts) -> datetime:
    """Five minutes (the default window) after the START, the last status change."""
    return facts.status_changed_at + 5 * MINUTE


# (status, action, role, starts in, last change ago, when the action's time rule ends);
# each booking is arranged so that the action is available at NOW.
TIMED: list[tuple[BookingStatus, BookingAction, Role, timedelta, timedelta, Until]] = [
    (S.CONFIRMED, A.START, Role.STYLIST, 20 * MINUTE, MINUTE, no_end),
    (S.CONFIRMED, A.START, Role.ADMIN, 30 * MINUTE, MINUTE, no_end),
    (S.CONFIRMED, A.COMPLETE, Role.STYLIST, timedelta(0), MINUTE, no_end),
    (S.CONFIRMED, A.COMPLETE, Role.ADMIN, -2 * MINUTE, MINUTE, no_end),
    (S.CONFIRMED, A.CANCEL, Role.CUSTOMER, timedelta(days=2), MINUTE, the_start),
    (S.CONFIRMED, A.CANCEL, Role.STYLIST, MINUTE, MINUTE, the_start),
    (S.CONFIRMED, A.MARK_NO_SHOW, Role.STYLIST, -MINUTE, MINUTE, no_end),
    (S.CONFIRMED, A.MARK_NO_SHOW, Role.ADMIN, -timedelta(hours=3), MINUTE, no_end),
    (S.IN_PROGRESS, A.UNDO_START, Role.STYLIST, -10 * MINUTE, 2 * MINUTE, undo_end),
    (S.IN_PROGRESS, A.UNDO_START, Role.ADMIN, timedelta(0), 5 * MINUTE, undo_end),
]
# Rows whose permit has no time rule at all: never bounded.
UNTIMED: list[tuple[BookingStatus, BookingAction, Role, timedelta, timedelta, Until]] = [
    (S.CONFIRMED, A.CANCEL, Role.ADMIN, -timedelta(days=1), MINUTE, no_end),
    (S.PENDING, A.CANCEL, Role.CUSTOMER, -timedelta(days=1), MINUTE, no_end),
    (S.IN_PROGRESS, A.COMPLETE, Role.STYLIST, -timedelta(hours=1), timedelta(hours=1), no_end),
    (S.IN_PROGRESS, A.CANCEL, Role.STYLIST, timedelta(0), MINUTE, no_end),
    (S.NO_SHOW, A.REVERT_NO_SHOW, Role.ADMIN, -timedelta(days=1), MINUTE, no_end),
]


def offered(
    actor: Actor, facts: BookingFacts, action: BookingAction, *, now: datetime, windows: Windows
) -> AvailableAction | None:
    found = available_actions(actor=actor, booking=facts, now=now, windows=windows)
    return next((a for a in found if a.action is action), None)


def _id(case: tuple[BookingStatus, BookingAction, Role, timedelta, timedelta, Until]) -> str:
    return f"{case[0]}-{case[1]}-{case[2]}"


def test_the_cases_are_every_row_and_role_of_the_table_with_a_time_rule() -> None:
    in_table = {
        (t.source, t.action, p.role)
        for t in TRANSITIONS
        for p in t.permits
        if p.time_rule is not None
    }
    assert {case[:3] for case in TIMED} == in_table


@pytest.mark.parametrize("case", TIMED + UNTIMED, ids=_id)
def test_available_until_is_when_the_actors_time_rule_ends(
    case: tuple[BookingStatus, BookingAction, Role, timedelta, timedelta, Until],
) -> None:
    status, action, role, starts_in, changed_ago, until = case
    facts = booking(status, starts_in=starts_in, changed_ago=changed_ago)
    actor = ACTORS[role]

    now = offered(actor, facts, action, now=NOW, windows=Windows())

    assert now is not None, "arranged to be available now"
    assert now.available_until == until(facts)


@pytest.mark.parametrize("case", [c for c in TIMED if c[5] is not no_end], ids=_id)
def test_the_action_is_offered_up_to_available_until_and_not_after(
    case: tuple[BookingStatus, BookingAction, Role, timedelta, timedelta, Until],
) -> None:
    status, action, role, starts_in, changed_ago, until = case
    facts = booking(status, starts_in=starts_in, changed_ago=changed_ago)
    actor, windows, end = ACTORS[role], Windows(), until(facts)
    assert end is not None

    def at(moment: datetime) -> bool:
        return offered(actor, facts, action, now=moment, windows=windows) is not None

    assert at(end - MICROSECOND)
    assert not at(end + MICROSECOND)
    # the start itself is too late to cancel; the undo window's last moment still counts
    assert at(end) is (action is A.UNDO_START)


def test_the_undo_window_is_the_setting() -> None:
    facts = booking(S.IN_PROGRESS, starts_in=-MINUTE, changed_ago=7 * MINUTE)
    windows = Windows(undo_start=timedelta(minutes=10))

    undo = offered(ACTORS[Role.STYLIST], facts, A.UNDO_START, now=NOW, windows=windows)

    assert undo is not None
    assert undo.available_until == NOW + 3 * MINUTE
