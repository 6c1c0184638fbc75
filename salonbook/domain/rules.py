"""Deciding whether an actor may take an action on a booking now, in the documented error order
(docs/rules.md#errors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from salonbook.domain import bounds
from salonbook.domain.errors import (
    Forbidden,
    InvalidTiming,
    InvalidTransition,
    NotFound,
    ReasonRequired,
    UndoWindowExpired,
)
from salonbook.domain.model import Actor, BookingFacts, Windows, can_view, owns
from salonbook.domain.refunds import Refund, refund_for
from salonbook.domain.statuses import BookingAction, BookingStatus, ReasonRule, TimeRule
from salonbook.domain.transitions import Permit, Transition, find_transition, role_ever_performs


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A decided, legal change: what the writer records."""

    transition: Transition
    permit: Permit
    reason: str | None
    refund: Refund | None

    @property
    def action(self) -> BookingAction:
        return self.transition.action

    @property
    def target(self) -> BookingStatus:
        return self.transition.target


def decide(
    *,
    actor: Actor,
    booking: BookingFacts,
    action: BookingAction,
    reason: str | None,
    now: datetime,
    windows: Windows,
) -> StatusChange:
    """Return the change, or raise the first error in the order of docs/rules.md#errors (a reason
    out of bounds is malformed input, refused before the rules are asked)."""
    cleaned = bounds.reason(reason)
    transition, permit = _authorise(actor=actor, booking=booking, action=action)
    _check_time(permit.time_rule, booking=booking, now=now, windows=windows)
    return _change(
        transition, permit, reason=cleaned, booking=booking, actor=actor, now=now, windows=windows
    )


def change_without_time_rules(
    *,
    actor: Actor,
    booking: BookingFacts,
    action: BookingAction,
    reason: str | None,
    now: datetime,
    windows: Windows,
) -> StatusChange:
    """The change an action makes when "who may, and when" is skipped, for demo data and test
    set-ups: still a transition of the table, by a role it names, with its reason and refund.
    Raises ValueError when the table has no such transition for the role."""
    cleaned = bounds.reason(reason)
    transition = find_transition(booking.status, action)
    if transition is None:
        raise ValueError(f"{action} is not possible from {booking.status}")
    permit = transition.permit_for(actor.role)
    if permit is None:
        raise ValueError(f"a {actor.role} never takes {action} from {booking.status}")
    return _change(
        transition, permit, reason=cleaned, booking=booking, actor=actor, now=now, windows=windows
    )


def is_available(
    *, actor: Actor, booking: BookingFacts, action: BookingAction, now: datetime, windows: Windows
) -> Permit | None:
    """The permit under which the actor may take the action now (reason aside), if any."""
    try:
        _, permit = _authorise(actor=actor, booking=booking, action=action)
        _check_time(permit.time_rule, booking=booking, now=now, windows=windows)
    except (Forbidden, InvalidTransition, InvalidTiming, NotFound):
        return None
    return permit


def _a(word: object) -> str:
    """'a STYLIST', 'an ADMIN', 'an IN_PROGRESS'."""
    return f"an {word}" if str(word)[:1].lower() in "aeiou" else f"a {word}"


def _authorise(
    *, actor: Actor, booking: BookingFacts, action: BookingAction
) -> tuple[Transition, Permit]:
    if not can_view(actor, booking):
        raise NotFound("booking not found")
    if not role_ever_performs(actor.role, action):
        raise Forbidden(f"{_a(actor.role)} never takes the action {action}")
    transition = find_transition(booking.status, action)
    if transition is None:
        raise InvalidTransition(f"{action} is not possible on {_a(booking.status)} booking")
    permit = transition.permit_for(actor.role)
    if permit is None or (permit.own and not owns(actor, booking)):
        raise Forbidden(f"{_a(actor.role)} may not {action} {_a(booking.status)} booking")
    return transition, permit


@dataclass(frozen=True, slots=True)
class TimeBounds:
    """When a time rule lets an action happen: from `opens` on (inclusive), and before `closes`
    (or up to and including it, when `closes_inclusive`); None: no bound on that side."""

    opens: datetime | None = None
    closes: datetime | None = None
    closes_inclusive: bool = False

    def too_early(self, now: datetime) -> bool:
        return self.opens is not None and now < self.opens

    def too_late(self, now: datetime) -> bool:
        if self.closes is None:
            return False
        return now > self.closes if self.closes_inclusive else now >= self.closes


def time_bounds(rule: TimeRule | None, *, booking: BookingFacts, windows: Windows) -> TimeBounds:
    """The moments a time rule of the transition table stands for, for this booking: the one
    statement of each rule, which the decision checks and `availableUntil` shows."""
    if rule is TimeRule.FROM_EARLY_START:
        return TimeBounds(opens=booking.start - windows.start_early)
    if rule is TimeRule.FROM_START:
        return TimeBounds(opens=booking.start)
    if rule is TimeRule.BEFORE_START:
        return TimeBounds(closes=booking.start)
    if rule is TimeRule.WITHIN_UNDO_WINDOW:
        # counted from the START, the booking's last status change
        closes = booking.status_changed_at + windows.undo_start
        return TimeBounds(closes=closes, closes_inclusive=True)
    return TimeBounds()


def _check_time(
    rule: TimeRule | None, *, booking: BookingFacts, now: datetime, windows: Windows
) -> None:
    limits = time_bounds(rule, booking=booking, windows=windows)
    if limits.too_early(now):
        if rule is TimeRule.FROM_EARLY_START:
            raise InvalidTiming(f"too early: possible from {windows.start_early} before the start")
        raise InvalidTiming("not possible before the booking's start time")
    if limits.too_late(now):
        if rule is TimeRule.WITHIN_UNDO_WINDOW:
            raise UndoWindowExpired(f"a start can be undone only within {windows.undo_start}")
        raise InvalidTiming("only possible before the booking's start time")


def _change(
    transition: Transition,
    permit: Permit,
    *,
    reason: str | None,
    booking: BookingFacts,
    actor: Actor,
    now: datetime,
    windows: Windows,
) -> StatusChange:
    """The permitted transition with its reason (a bounded one) and its refund."""
    if not permit.reason.accepts_reason:
        reason = None
    elif permit.reason is ReasonRule.REQUIRED and reason is None:
        raise ReasonRequired(f"{transition.action} needs a reason")
    refund = refund_for(transition.target, booking=booking, actor=actor, now=now, windows=windows)
    return StatusChange(transition=transition, permit=permit, reason=reason, refund=refund)
