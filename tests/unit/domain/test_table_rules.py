"""The reasons docs/rules.md gives for the transition table's shape, one test a rule, through
the decision itself: completing directly, undoing a start, who cancels when, freed slots."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from salonbook.domain import errors
from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.roles import Role
from salonbook.domain.rules import StatusChange, decide
from salonbook.domain.statuses import BookingAction, BookingStatus
from tests.unit.domain.facts import CUSTOMER, NOW, STYLIST, booking

S, A = BookingStatus, BookingAction
OWN_CUSTOMER, OWN_STYLIST = Actor(CUSTOMER, Role.CUSTOMER), Actor(STYLIST, Role.STYLIST)
ADMIN = Actor(uuid.uuid4(), Role.ADMIN)
SECOND = timedelta(seconds=1)


def act(
    actor: Actor, facts: BookingFacts, action: BookingAction, reason: str | None
) -> StatusChange:
    return decide(
        actor=actor, booking=facts, action=action, reason=reason, now=NOW, windows=Windows()
    )


def test_a_confirmed_booking_completes_directly_from_its_start_not_before() -> None:
    for actor in (OWN_STYLIST, ADMIN):
        done = act(actor, booking(S.CONFIRMED, starts_in=timedelta(0)), A.COMPLETE, None)
        assert done.target is S.COMPLETED
        with pytest.raises(errors.InvalidTiming):
            act(actor, booking(S.CONFIRMED, starts_in=SECOND), A.COMPLETE, None)


def test_undo_start_is_counted_from_the_start_action_and_past_it_is_undo_window_expired() -> None:
    window = Windows().undo_start
    # the booking's start is long past: only the time since the START action counts
    just_started = booking(S.IN_PROGRESS, starts_in=-timedelta(hours=3), changed_ago=window)
    assert act(OWN_STYLIST, just_started, A.UNDO_START, None).target is S.CONFIRMED
    too_late = booking(S.IN_PROGRESS, starts_in=timedelta(0), changed_ago=window + SECOND)
    with pytest.raises(errors.UndoWindowExpired) as refused:
        act(OWN_STYLIST, too_late, A.UNDO_START, None)
    assert type(refused.value) is errors.UndoWindowExpired  # not a plain InvalidTiming


@pytest.mark.parametrize("actor", [OWN_CUSTOMER, OWN_STYLIST], ids=["customer", "stylist"])
def test_a_customer_or_stylist_cancels_a_confirmed_booking_only_before_its_start(
    actor: Actor,
) -> None:
    before = act(actor, booking(S.CONFIRMED, starts_in=SECOND), A.CANCEL, "ill")
    assert before.target is S.CANCELLED
    with pytest.raises(errors.InvalidTiming):
        act(actor, booking(S.CONFIRMED, starts_in=timedelta(0)), A.CANCEL, "ill")


def test_an_admin_cancels_a_confirmed_booking_at_any_time() -> None:
    for starts_in in (timedelta(days=2), timedelta(0), -timedelta(days=2)):
        late = act(ADMIN, booking(S.CONFIRMED, starts_in=starts_in), A.CANCEL, "closed")
        assert late.target is S.CANCELLED


def test_a_started_booking_is_cancelled_by_its_stylist_with_a_reason_not_its_customer() -> None:
    started = booking(S.IN_PROGRESS, starts_in=-timedelta(minutes=10))
    assert act(OWN_STYLIST, started, A.CANCEL, "emergency").target is S.CANCELLED
    with pytest.raises(errors.ReasonRequired):
        act(OWN_STYLIST, started, A.CANCEL, None)
    with pytest.raises(errors.Forbidden):
        act(OWN_CUSTOMER, started, A.CANCEL, "emergency")


def test_only_an_admin_reverts_a_no_show_and_gives_a_reason() -> None:
    missed = booking(S.NO_SHOW, starts_in=-timedelta(hours=1))
    assert act(ADMIN, missed, A.REVERT_NO_SHOW, "came late").target is S.CONFIRMED
    with pytest.raises(errors.ReasonRequired):
        act(ADMIN, missed, A.REVERT_NO_SHOW, "  ")
    with pytest.raises(errors.Forbidden):
        act(OWN_STYLIST, missed, A.REVERT_NO_SHOW, "came late")


def test_cancelled_and_no_show_free_the_stylists_time_every_other_status_keeps_it() -> None:
    assert {status for status in S if not status.holds_slot} == {S.CANCELLED, S.NO_SHOW}
