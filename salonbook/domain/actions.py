"""What a viewer may do with a booking now, and what it most likely wants to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.rules import is_available, time_bounds
from salonbook.domain.statuses import BookingAction, BookingStatus, ReasonRule
from salonbook.domain.transitions import ACTION_TRAITS, ActionTraits


@dataclass(frozen=True, slots=True)
class AvailableAction:
    action: BookingAction
    requires_reason: bool
    requires_confirmation: bool
    warning: str | None
    available_until: datetime | None
    """When the time rule that makes the action available now stops doing so (before this
    moment; up to and including it for UNDO_START's window); None without such a bound."""


def available_actions(
    *, actor: Actor, booking: BookingFacts, now: datetime, windows: Windows
) -> list[AvailableAction]:
    found = []
    for action in BookingAction:
        permit = is_available(actor=actor, booking=booking, action=action, now=now, windows=windows)
        if permit is None:
            continue
        traits = ACTION_TRAITS.get(action, ActionTraits())
        found.append(
            AvailableAction(
                action=action,
                requires_reason=permit.reason is ReasonRule.REQUIRED,
                requires_confirmation=traits.requires_confirmation,
                warning=traits.warning,
                available_until=time_bounds(
                    permit.time_rule, booking=booking, windows=windows
                ).closes,
            )
        )
    return found


def suggested_action(
    *, actor: Actor, booking: BookingFacts, now: datetime, windows: Windows
) -> BookingAction | None:
    """START from 15 min before the start; MARK_NO_SHOW when still CONFIRMED 30 min after it;
    COMPLETE from 15 min after the end."""
    candidate: BookingAction | None = None
    if booking.status is BookingStatus.CONFIRMED:
        if now >= booking.start + windows.suggest_no_show_after_start:
            candidate = BookingAction.MARK_NO_SHOW
        elif now >= booking.start - windows.suggest_start_before:
            candidate = BookingAction.START
    elif (
        booking.status is BookingStatus.IN_PROGRESS
        and now >= booking.end + windows.suggest_complete_after_end
    ):
        candidate = BookingAction.COMPLETE
    if candidate is None:
        return None
    permit = is_available(actor=actor, booking=booking, action=candidate, now=now, windows=windows)
    return candidate if permit is not None else None
