"""Each time rule of docs/rules.md on both sides of its edge, and the rows without one at
either extreme, over HTTP; time errors come after the role checks and before the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.transitions.spec_transitions import (
    ACTIONS_WITH_REASON,
    ADMIN,
    CUSTOMER,
    OTHER_STYLIST,
    STYLIST,
    SYSTEM,
    Actor,
    Moment,
    expected_outcome,
)
from tests.e2e.transitions.transition_calls import UNSET, act_and_verify
from tests.support.factory import ApiFactory

SECOND, MINUTE, HOUR, DAY = (
    timedelta(seconds=1),
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
)
OK, EXPIRED = None, "UNDO_WINDOW_EXPIRED"


def at(after_start: timedelta, since_change: timedelta = timedelta(0)) -> Moment:
    return Moment(after_start=after_start, since_change=since_change)


# (status, action, actor, moment, outcome): written from docs/rules.md's words, not computed.
EDGES: list[tuple[str, str, Actor, Moment, str | None]] = [
    *[
        (status, action, actor, moment, outcome)
        for actor in (STYLIST, ADMIN)
        for status, action, moment, outcome in [
            # START: now >= start - 30 min
            ("CONFIRMED", "START", at(-31 * MINUTE), "INVALID_TIMING"),
            ("CONFIRMED", "START", at(-30 * MINUTE), OK),
            ("CONFIRMED", "START", at(HOUR), OK),
            # COMPLETE from CONFIRMED: now >= start
            ("CONFIRMED", "COMPLETE", at(-MINUTE), "INVALID_TIMING"),
            ("CONFIRMED", "COMPLETE", at(timedelta(0)), OK),
            ("CONFIRMED", "COMPLETE", at(HOUR), OK),
            # MARK_NO_SHOW: now >= start
            ("CONFIRMED", "MARK_NO_SHOW", at(-MINUTE), "INVALID_TIMING"),
            ("CONFIRMED", "MARK_NO_SHOW", at(timedelta(0)), OK),
            ("CONFIRMED", "MARK_NO_SHOW", at(HOUR), OK),
            # UNDO_START: at most 5 min after the START change
            ("IN_PROGRESS", "UNDO_START", at(5 * MINUTE, 5 * MINUTE), OK),
            (
                "IN_PROGRESS",
                "UNDO_START",
                at(5 * MINUTE, 5 * MINUTE + SECOND),
                "UNDO_WINDOW_EXPIRED",
            ),
            ("IN_PROGRESS", "UNDO_START", at(-20 * MINUTE, 10 * MINUTE), "UNDO_WINDOW_EXPIRED"),
            # no time rule
            ("IN_PROGRESS", "COMPLETE", at(-20 * MINUTE, 10 * MINUTE), OK),
            ("IN_PROGRESS", "COMPLETE", at(3 * HOUR, 3 * HOUR), OK),
            ("IN_PROGRESS", "CANCEL", at(HOUR, HOUR), OK),
            ("PENDING", "CANCEL", at(HOUR), OK),
        ]
    ],
    # CANCEL of CONFIRMED: customer and stylist while now < start; admin any time
    *[
        ("CONFIRMED", "CANCEL", actor, at(after_start), outcome)
        for actor in (CUSTOMER, STYLIST)
        for after_start, outcome in [
            (-SECOND, OK),
            (timedelta(0), "INVALID_TIMING"),
            (HOUR, "INVALID_TIMING"),
        ]
    ],
    ("CONFIRMED", "CANCEL", ADMIN, at(-SECOND), OK),
    ("CONFIRMED", "CANCEL", ADMIN, at(timedelta(0)), OK),
    ("CONFIRMED", "CANCEL", ADMIN, at(DAY), OK),
    # rows without a time rule, long after the start
    ("PENDING", "CONFIRM", SYSTEM, at(HOUR), OK),
    ("PENDING", "CANCEL", SYSTEM, at(HOUR), OK),
    ("PENDING", "CANCEL", CUSTOMER, at(HOUR), OK),
    ("NO_SHOW", "REVERT_NO_SHOW", ADMIN, at(DAY, DAY), OK),
    # the role checks come before the time rule
    ("CONFIRMED", "START", CUSTOMER, at(-HOUR), "FORBIDDEN"),
    ("CONFIRMED", "CANCEL", SYSTEM, at(HOUR), "FORBIDDEN"),
    ("IN_PROGRESS", "CANCEL", CUSTOMER, at(HOUR, HOUR), "FORBIDDEN"),
    ("IN_PROGRESS", "UNDO_START", CUSTOMER, at(HOUR, HOUR), "FORBIDDEN"),
    ("CONFIRMED", "START", OTHER_STYLIST, at(-HOUR), "NOT_FOUND"),
    ("COMPLETED", "UNDO_START", STYLIST, at(HOUR, HOUR), "INVALID_TRANSITION"),
]


@pytest.mark.parametrize(
    ("status", "action", "actor", "moment", "outcome"),
    [
        pytest.param(*edge, id=f"{edge[0]}-{edge[1]}-{edge[2].label}-{edge[3].label}")
        for edge in EDGES
    ],
)
async def test_time_rules_at_their_edges(
    factory: ApiFactory, status: str, action: str, actor: Actor, moment: Moment, outcome: str | None
) -> None:
    # the hand-written table the other tests compute from agrees with the documented edges
    reason = "  ran late  " if action in ACTIONS_WITH_REASON else UNSET
    sent = None if reason == UNSET else reason
    assert (
        expected_outcome(status=status, action=action, actor=actor, moment=moment, reason=sent)
        == outcome
    )
    await act_and_verify(
        factory,
        status=status,
        action=action,
        actor=actor,
        moment=moment,
        reason=reason,
        outcome=outcome,
    )


@pytest.mark.parametrize("reason", [UNSET, "", "  "], ids=["missing", "empty", "blank"])
async def test_a_late_customer_cancel_is_a_timing_error_before_a_reason_error(
    factory: ApiFactory, reason: str
) -> None:
    await act_and_verify(
        factory,
        status="CONFIRMED",
        action="CANCEL",
        actor=CUSTOMER,
        moment=at(MINUTE),
        reason=reason,
        outcome="INVALID_TIMING",
    )
