"""The transition table's shape: terminal states, one row per (status, action), derived pairs."""

from __future__ import annotations

from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.domain.transitions import TRANSITIONS, allowed_status_pairs, role_ever_performs

S, A = BookingStatus, BookingAction


def test_completed_and_cancelled_are_terminal_and_no_show_only_reverts() -> None:
    sources = {(t.source, t.action) for t in TRANSITIONS}
    assert not {s for s, _ in sources} & {S.COMPLETED, S.CANCELLED}
    assert {a for s, a in sources if s is S.NO_SHOW} == {A.REVERT_NO_SHOW}


def test_allowed_pairs_are_exactly_the_specs() -> None:
    assert allowed_status_pairs() == {
        (S.PENDING, S.CONFIRMED),
        (S.PENDING, S.CANCELLED),
        (S.CONFIRMED, S.IN_PROGRESS),
        (S.CONFIRMED, S.COMPLETED),
        (S.CONFIRMED, S.CANCELLED),
        (S.CONFIRMED, S.NO_SHOW),
        (S.IN_PROGRESS, S.COMPLETED),
        (S.IN_PROGRESS, S.CANCELLED),
        (S.IN_PROGRESS, S.CONFIRMED),
        (S.NO_SHOW, S.CONFIRMED),
    }


def test_which_roles_ever_take_each_action() -> None:
    performers = {
        action: {role for role in Role if role_ever_performs(role, action)}
        for action in BookingAction
    }
    assert performers == {
        A.CONFIRM: {Role.SYSTEM},
        A.CANCEL: {Role.SYSTEM, Role.CUSTOMER, Role.STYLIST, Role.ADMIN},
        A.START: {Role.STYLIST, Role.ADMIN},
        A.COMPLETE: {Role.STYLIST, Role.ADMIN},
        A.MARK_NO_SHOW: {Role.STYLIST, Role.ADMIN},
        A.UNDO_START: {Role.STYLIST, Role.ADMIN},
        A.REVERT_NO_SHOW: {Role.ADMIN},
    }


def test_customers_and_stylists_act_only_on_their_own_bookings() -> None:
    for transition in TRANSITIONS:
        for permit in transition.permits:
            assert permit.own == (permit.role in (Role.CUSTOMER, Role.STYLIST))
