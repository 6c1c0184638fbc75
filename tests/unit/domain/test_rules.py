"""The decision and its error precedence, without I/O."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from salonbook.domain import errors
from salonbook.domain.model import Actor, Windows
from salonbook.domain.refunds import Refund, RefundPolicy
from salonbook.domain.roles import Role
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction, BookingStatus
from tests.unit.domain.facts import CUSTOMER, NOW, STRANGER, STYLIST, booking

S, A = BookingStatus, BookingAction


CASES = [
    # (actor, status, starts_in, action, reason, the expected error or the target status)
    (Actor(STRANGER, Role.STYLIST), S.CONFIRMED, timedelta(0), A.START, None, errors.NotFound),
    (Actor(CUSTOMER, Role.CUSTOMER), S.COMPLETED, timedelta(0), A.START, None, errors.Forbidden),
    (
        Actor(STYLIST, Role.STYLIST),
        S.COMPLETED,
        timedelta(0),
        A.START,
        None,
        errors.InvalidTransition,
    ),
    (Actor(CUSTOMER, Role.CUSTOMER), S.IN_PROGRESS, timedelta(0), A.CANCEL, "x", errors.Forbidden),
    (
        Actor(CUSTOMER, Role.CUSTOMER),
        S.CONFIRMED,
        -timedelta(seconds=1),
        A.CANCEL,
        None,
        errors.InvalidTiming,
    ),
    (
        Actor(STYLIST, Role.STYLIST),
        S.CONFIRMED,
        timedelta(minutes=31),
        A.START,
        None,
        errors.InvalidTiming,
    ),
    (
        Actor(STYLIST, Role.STYLIST),
        S.CONFIRMED,
        timedelta(minutes=30),
        A.START,
        None,
        S.IN_PROGRESS,
    ),
    (
        Actor(CUSTOMER, Role.CUSTOMER),
        S.CONFIRMED,
        timedelta(hours=1),
        A.CANCEL,
        "  ",
        errors.ReasonRequired,
    ),
    (Actor(uuid.uuid4(), Role.SYSTEM), S.PENDING, timedelta(hours=1), A.CANCEL, None, S.CANCELLED),
    (
        Actor(uuid.uuid4(), Role.ADMIN),
        S.CONFIRMED,
        -timedelta(days=1),
        A.CANCEL,
        "late",
        S.CANCELLED,
    ),
]


@pytest.mark.parametrize(("actor", "status", "starts_in", "action", "reason", "expected"), CASES)
def test_the_first_check_to_fail_in_the_documented_order_is_the_answer(
    actor: Actor,
    status: BookingStatus,
    starts_in: timedelta,
    action: BookingAction,
    reason: str | None,
    expected: type[errors.SalonbookError] | BookingStatus,
) -> None:
    facts = booking(status, starts_in=starts_in)
    if isinstance(expected, BookingStatus):
        change = decide(
            actor=actor, booking=facts, action=action, reason=reason, now=NOW, windows=Windows()
        )
        assert change.target is expected
        return
    with pytest.raises(expected) as raised:
        decide(actor=actor, booking=facts, action=action, reason=reason, now=NOW, windows=Windows())
    assert type(raised.value) is expected


def test_undo_start_window_is_a_setting() -> None:
    stylist = Actor(STYLIST, Role.STYLIST)
    facts = booking(S.IN_PROGRESS, starts_in=timedelta(0), changed_ago=timedelta(minutes=7))
    with pytest.raises(errors.UndoWindowExpired):
        decide(
            actor=stylist,
            booking=facts,
            action=A.UNDO_START,
            reason=None,
            now=NOW,
            windows=Windows(),
        )
    change = decide(
        actor=stylist,
        booking=facts,
        action=A.UNDO_START,
        reason=None,
        now=NOW,
        windows=Windows(undo_start=timedelta(minutes=10)),
    )
    assert change.target is S.CONFIRMED


def test_reason_is_trimmed_and_dropped_where_the_row_takes_none() -> None:
    admin = Actor(uuid.uuid4(), Role.ADMIN)
    cancel = decide(
        actor=admin,
        booking=booking(S.CONFIRMED, starts_in=timedelta(days=2)),
        action=A.CANCEL,
        reason="  flood  ",
        now=NOW,
        windows=Windows(),
    )
    assert cancel.reason == "flood"
    start = decide(
        actor=admin,
        booking=booking(S.CONFIRMED, starts_in=timedelta(0)),
        action=A.START,
        reason="ignored",
        now=NOW,
        windows=Windows(),
    )
    assert start.reason is None


@pytest.mark.parametrize(
    ("actor_role", "status", "starts_in", "expected"),
    [
        (Role.SYSTEM, S.PENDING, timedelta(days=3), Refund(RefundPolicy.NOT_CHARGED, 0)),
        (Role.CUSTOMER, S.CONFIRMED, timedelta(hours=24), Refund(RefundPolicy.FULL_REFUND, 10_000)),
        (
            Role.CUSTOMER,
            S.CONFIRMED,
            timedelta(hours=23, minutes=59),
            Refund(RefundPolicy.LATE_CANCELLATION, 5_000),
        ),
        (Role.STYLIST, S.CONFIRMED, timedelta(hours=1), Refund(RefundPolicy.FULL_REFUND, 10_000)),
        (
            Role.ADMIN,
            S.IN_PROGRESS,
            -timedelta(minutes=5),
            Refund(RefundPolicy.FULL_REFUND, 10_000),
        ),
    ],
)
def test_refund_recorded_with_the_cancellation(
    actor_role: Role, status: BookingStatus, starts_in: timedelta, expected: Refund
) -> None:
    person = {Role.CUSTOMER: CUSTOMER, Role.STYLIST: STYLIST}.get(actor_role, uuid.uuid4())
    change = decide(
        actor=Actor(person, actor_role),
        booking=booking(status, starts_in=starts_in),
        action=A.CANCEL,
        reason="r",
        now=NOW,
        windows=Windows(),
    )
    assert change.refund == expected


def test_late_cancellation_percentage_is_a_setting() -> None:
    change = decide(
        actor=Actor(CUSTOMER, Role.CUSTOMER),
        booking=booking(S.CONFIRMED, starts_in=timedelta(hours=2)),
        action=A.CANCEL,
        reason="r",
        now=NOW,
        windows=Windows(late_cancellation_refund_percent=25),
    )
    assert change.refund == Refund(RefundPolicy.LATE_CANCELLATION, 2_500)


def test_no_show_refunds_nothing() -> None:
    change = decide(
        actor=Actor(STYLIST, Role.STYLIST),
        booking=booking(S.CONFIRMED, starts_in=-timedelta(minutes=1)),
        action=A.MARK_NO_SHOW,
        reason=None,
        now=NOW,
        windows=Windows(),
    )
    assert change.refund == Refund(RefundPolicy.NO_REFUND, 0)


@pytest.mark.parametrize(
    ("actor", "status", "action", "message"),
    [
        (
            Actor(STYLIST, Role.ADMIN),
            S.PENDING,
            A.CONFIRM,
            "an admin never takes the action CONFIRM",
        ),
        (
            Actor(STYLIST, Role.STYLIST),
            S.IN_PROGRESS,
            A.CONFIRM,
            "a stylist never takes the action CONFIRM",
        ),
        (
            Actor(STYLIST, Role.STYLIST),
            S.IN_PROGRESS,
            A.START,
            "START is not possible on an IN_PROGRESS booking",
        ),
        (
            Actor(CUSTOMER, Role.CUSTOMER),
            S.IN_PROGRESS,
            A.MARK_NO_SHOW,
            "a customer never takes the action MARK_NO_SHOW",
        ),
    ],
)
def test_refusals_read_as_plain_english(
    actor: Actor, status: BookingStatus, action: BookingAction, message: str
) -> None:
    with pytest.raises(errors.SalonbookError) as refused:
        decide(
            actor=actor,
            booking=booking(status, starts_in=timedelta(hours=2)),
            action=action,
            reason=None,
            now=NOW,
            windows=Windows(),
        )
    assert refused.value.message == message
