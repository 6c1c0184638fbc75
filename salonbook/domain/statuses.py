"""Booking statuses and the actions that move a booking between them."""

from __future__ import annotations

import enum


class BookingStatus(enum.StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    NO_SHOW = "NO_SHOW"

    @property
    def holds_slot(self) -> bool:
        """A live booking keeps its stylist's time slot; cancelled and no-show free it."""
        return self not in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW)


class BookingAction(enum.StrEnum):
    CONFIRM = "CONFIRM"
    CANCEL = "CANCEL"
    START = "START"
    COMPLETE = "COMPLETE"
    MARK_NO_SHOW = "MARK_NO_SHOW"
    UNDO_START = "UNDO_START"
    REVERT_NO_SHOW = "REVERT_NO_SHOW"


class ReasonRule(enum.Enum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"

    @property
    def accepts_reason(self) -> bool:
        return self is not ReasonRule.NONE


class TimeRule(enum.Enum):
    """When, relative to the booking, an action may happen (windows come from Windows)."""

    FROM_EARLY_START = "now >= start - start_early"
    FROM_START = "now >= start"
    BEFORE_START = "now < start"
    WITHIN_UNDO_WINDOW = "now <= started_at + undo_window"
