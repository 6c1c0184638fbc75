"""Reasons (required, optional, trimmed) and what a cancellation or no-show records on the
booking: who, why, and the refund of docs/rules.md#refunds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.transitions.spec_transitions import (
    ADMIN,
    CUSTOMER,
    ROWS,
    STYLIST,
    SYSTEM,
    Actor,
    Moment,
)
from tests.e2e.transitions.transition_calls import UNSET, act_and_verify
from tests.support.factory import ApiFactory

# Every time rule of a row that asks for a reason passes here (cancelling before the start).
DAY_AHEAD = Moment(after_start=-timedelta(days=1), since_change=timedelta(minutes=1))
# ... and of a row with an optional reason (a no-show after the start).
HOUR_IN = Moment(after_start=timedelta(hours=1), since_change=timedelta(hours=1))
BLANKS = [
    pytest.param(UNSET, id="missing"),
    pytest.param(None, id="null"),
    pytest.param("", id="empty"),
    pytest.param(" \t\n ", id="blank"),
]


def _rows(reason_rule: str) -> list[pytest.ParameterSet]:
    return [
        pytest.param(row.source, row.action, role, id=f"{row.source}-{row.action}-{role}")
        for row in ROWS
        for role, who in row.who.items()
        if who.reason == reason_rule
    ]


REQUIRED = _rows("required")
OPTIONAL = _rows("optional")


@pytest.mark.parametrize("reason", BLANKS)
@pytest.mark.parametrize(("status", "action", "role"), REQUIRED)
async def test_a_required_reason_cannot_be_left_out(
    factory: ApiFactory, status: str, action: str, role: str, reason: str | None
) -> None:
    await act_and_verify(
        factory,
        status=status,
        action=action,
        actor=Actor(role),
        moment=DAY_AHEAD,
        reason=reason,
        outcome="REASON_REQUIRED",
    )


@pytest.mark.parametrize("reason", BLANKS)
@pytest.mark.parametrize(("status", "action", "role"), OPTIONAL)
async def test_an_optional_reason_may_be_left_out(
    factory: ApiFactory, status: str, action: str, role: str, reason: str | None
) -> None:
    after = await act_and_verify(
        factory,
        status=status,
        action=action,
        actor=Actor(role),
        moment=HOUR_IN,
        reason=reason,
        outcome=None,
    )
    assert after["statusHistory"][-1]["reason"] is None
    assert after["cancellation"]["reason"] is None


def _offset(after_start: timedelta) -> str:
    return Moment(after_start=after_start).label.split("/")[0]


SECOND, MINUTE = timedelta(seconds=1), timedelta(minutes=1)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
# (status, action, actor, now - start, reason sent, refund policy, refund cents); price 4500,
# a 50 % late-cancellation refund, free cancellation until 24 h before the start.
RECORDS: list[tuple[str, str, Actor, timedelta, str | None, str, int]] = [
    ("PENDING", "CANCEL", CUSTOMER, -3 * DAY, " plans changed ", "NOT_CHARGED", 0),
    ("PENDING", "CANCEL", SYSTEM, HOUR, "payment_timeout", "NOT_CHARGED", 0),
    ("PENDING", "CANCEL", ADMIN, -HOUR, "double entry", "NOT_CHARGED", 0),
    ("CONFIRMED", "CANCEL", CUSTOMER, -3 * DAY, "ill", "FULL_REFUND", 4500),
    ("CONFIRMED", "CANCEL", CUSTOMER, -DAY, "ill", "FULL_REFUND", 4500),
    ("CONFIRMED", "CANCEL", CUSTOMER, -DAY + SECOND, "ill", "LATE_CANCELLATION", 2250),
    ("CONFIRMED", "CANCEL", CUSTOMER, -MINUTE, "ill", "LATE_CANCELLATION", 2250),
    ("CONFIRMED", "CANCEL", STYLIST, -HOUR, "stylist ill", "FULL_REFUND", 4500),
    ("CONFIRMED", "CANCEL", ADMIN, 2 * HOUR, "salon closed", "FULL_REFUND", 4500),
    ("IN_PROGRESS", "CANCEL", STYLIST, HOUR / 6, "power cut", "FULL_REFUND", 4500),
    ("IN_PROGRESS", "CANCEL", ADMIN, HOUR / 6, "power cut", "FULL_REFUND", 4500),
    ("CONFIRMED", "MARK_NO_SHOW", STYLIST, HOUR / 2, None, "NO_REFUND", 0),
    ("CONFIRMED", "MARK_NO_SHOW", ADMIN, 3 * HOUR, " never came ", "NO_REFUND", 0),
]


@pytest.mark.parametrize(
    ("status", "action", "actor", "after_start", "reason", "policy", "cents"),
    [
        pytest.param(*record, id=f"{record[0]}-{record[1]}-{record[2].label}-{_offset(record[3])}")
        for record in RECORDS
    ],
)
async def test_a_cancellation_records_who_why_and_the_refund(
    factory: ApiFactory,
    status: str,
    action: str,
    actor: Actor,
    after_start: timedelta,
    reason: str | None,
    policy: str,
    cents: int,
) -> None:
    moment = Moment(after_start=after_start, since_change=timedelta(minutes=10))
    after = await act_and_verify(
        factory,
        status=status,
        action=action,
        actor=actor,
        moment=moment,
        reason=reason,
        outcome=None,
    )
    assert after["cancellation"] == {
        "reason": (reason or "").strip() or None,
        "actorRole": actor.role,
        "refundPolicy": policy,
        "refundCents": cents,
    }
