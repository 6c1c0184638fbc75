"""The booking state machine: one table, the source of truth for the API, the database guard,
`availableActions` and the docs (docs/rules.md renders it: tests/unit/docs/rules_table.py)."""

from __future__ import annotations

from dataclasses import dataclass

from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus, ReasonRule, TimeRule

A = BookingAction
S = BookingStatus


@dataclass(frozen=True, slots=True)
class Permit:
    """One kind of actor allowed to take a transition: a role, whether it must be the
    booking's own customer/stylist, its time rule and what it must say."""

    role: Role
    own: bool
    time_rule: TimeRule | None = None
    reason: ReasonRule = ReasonRule.NONE


@dataclass(frozen=True, slots=True)
class Transition:
    action: BookingAction
    source: BookingStatus
    target: BookingStatus
    permits: tuple[Permit, ...]

    def permit_for(self, role: Role) -> Permit | None:
        return next((p for p in self.permits if p.role is role), None)


def _own(
    role: Role, *, time_rule: TimeRule | None = None, reason: ReasonRule = ReasonRule.NONE
) -> Permit:
    return Permit(role, True, time_rule, reason)


def _any(
    role: Role, *, time_rule: TimeRule | None = None, reason: ReasonRule = ReasonRule.NONE
) -> Permit:
    return Permit(role, False, time_rule, reason)


_REQ = ReasonRule.REQUIRED
_OPT = ReasonRule.OPTIONAL
_EARLY = TimeRule.FROM_EARLY_START
C, ST, AD, SY = Role.CUSTOMER, Role.STYLIST, Role.ADMIN, Role.SYSTEM

TRANSITIONS: tuple[Transition, ...] = (
    Transition(A.CONFIRM, S.PENDING, S.CONFIRMED, (_any(SY),)),
    Transition(
        A.CANCEL,
        S.PENDING,
        S.CANCELLED,
        (_any(SY, reason=_OPT), _own(C, reason=_REQ), _own(ST, reason=_REQ), _any(AD, reason=_REQ)),
    ),
    Transition(
        A.START,
        S.CONFIRMED,
        S.IN_PROGRESS,
        (_own(ST, time_rule=_EARLY), _any(AD, time_rule=_EARLY)),
    ),
    Transition(
        A.COMPLETE,
        S.CONFIRMED,
        S.COMPLETED,
        (_own(ST, time_rule=TimeRule.FROM_START), _any(AD, time_rule=TimeRule.FROM_START)),
    ),
    Transition(A.COMPLETE, S.IN_PROGRESS, S.COMPLETED, (_own(ST), _any(AD))),
    Transition(
        A.CANCEL,
        S.CONFIRMED,
        S.CANCELLED,
        (
            _own(C, time_rule=TimeRule.BEFORE_START, reason=_REQ),
            _own(ST, time_rule=TimeRule.BEFORE_START, reason=_REQ),
            _any(AD, reason=_REQ),
        ),
    ),
    Transition(
        A.MARK_NO_SHOW,
        S.CONFIRMED,
        S.NO_SHOW,
        (
            _own(ST, time_rule=TimeRule.FROM_START, reason=_OPT),
            _any(AD, time_rule=TimeRule.FROM_START, reason=_OPT),
        ),
    ),
    Transition(
        A.CANCEL, S.IN_PROGRESS, S.CANCELLED, (_own(ST, reason=_REQ), _any(AD, reason=_REQ))
    ),
    Transition(
        A.UNDO_START,
        S.IN_PROGRESS,
        S.CONFIRMED,
        (
            _own(ST, time_rule=TimeRule.WITHIN_UNDO_WINDOW),
            _any(AD, time_rule=TimeRule.WITHIN_UNDO_WINDOW),
        ),
    ),
    Transition(A.REVERT_NO_SHOW, S.NO_SHOW, S.CONFIRMED, (_any(AD, reason=_REQ),)),
)


@dataclass(frozen=True, slots=True)
class ActionTraits:
    """How a client should present an action."""

    requires_confirmation: bool = False
    warning: str | None = None


ACTION_TRAITS: dict[BookingAction, ActionTraits] = {
    A.CANCEL: ActionTraits(requires_confirmation=True),
    A.MARK_NO_SHOW: ActionTraits(
        requires_confirmation=True,
        warning="The customer is recorded as a no-show and is not refunded.",
    ),
}


def find_transition(status: BookingStatus, action: BookingAction) -> Transition | None:
    return _BY_SOURCE_ACTION.get((status, action))


def role_ever_performs(role: Role, action: BookingAction) -> bool:
    return any(t.permit_for(role) for t in TRANSITIONS if t.action is action)


def allowed_status_pairs() -> frozenset[tuple[BookingStatus, BookingStatus]]:
    """Every (from, to) the table allows; the database trigger is generated from this."""
    return frozenset((t.source, t.target) for t in TRANSITIONS)


_BY_SOURCE_ACTION = {(t.source, t.action): t for t in TRANSITIONS}
assert len(_BY_SOURCE_ACTION) == len(TRANSITIONS), "one row per (status, action)"
