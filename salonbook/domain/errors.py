"""Expected failures of a use case, each with its API error code.

    SalonbookError
     ├── Unauthenticated      no or bad credentials
     ├── NotFound             the booking (or person, service) does not exist for this viewer
     ├── Forbidden            the viewer may see it but not do this
     ├── ValidationFailed     malformed input; `field` names it
     ├── InvalidTransition    no row of the transition table for (status, action)
     ├── InvalidTiming        the actor's time rule fails
     │    └── UndoWindowExpired
     ├── ReasonRequired
     ├── ConcurrentUpdate     the row is locked by another change; retry
     ├── VersionConflict      expectedVersion is not the current version
     ├── SlotUnavailable      the stylist is booked at that time
 ├── OutsideWorkingHours  the time lies outside the stylist's availability; `reason` says why
     └── IdempotencyConflict  the key was used with a different input

`api/errors.py` turns each into its GraphQL error type, in one place.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_TIMING = "INVALID_TIMING"
    REASON_REQUIRED = "REASON_REQUIRED"
    CONCURRENT_UPDATE = "CONCURRENT_UPDATE"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    SLOT_UNAVAILABLE = "SLOT_UNAVAILABLE"
    UNDO_WINDOW_EXPIRED = "UNDO_WINDOW_EXPIRED"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    OUTSIDE_WORKING_HOURS = "OUTSIDE_WORKING_HOURS"


class SalonbookError(Exception):
    code: ErrorCode

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthenticated(SalonbookError):
    code = ErrorCode.UNAUTHENTICATED


class NotFound(SalonbookError):
    code = ErrorCode.NOT_FOUND


class Forbidden(SalonbookError):
    code = ErrorCode.FORBIDDEN


class ValidationFailed(SalonbookError):
    code = ErrorCode.VALIDATION_FAILED

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(SalonbookError):
    code = ErrorCode.INVALID_TRANSITION


class InvalidTiming(SalonbookError):
    code = ErrorCode.INVALID_TIMING


class UndoWindowExpired(InvalidTiming):
    code = ErrorCode.UNDO_WINDOW_EXPIRED


class ReasonRequired(SalonbookError):
    code = ErrorCode.REASON_REQUIRED


class ConcurrentUpdate(SalonbookError):
    code = ErrorCode.CONCURRENT_UPDATE


class VersionConflict(SalonbookError):
    code = ErrorCode.VERSION_CONFLICT

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class SlotUnavailable(SalonbookError):
    code = ErrorCode.SLOT_UNAVAILABLE


class IdempotencyConflict(SalonbookError):
    code = ErrorCode.IDEMPOTENCY_CONFLICT


class Refusal(enum.Enum):
    """Why a booking's time lies outside the stylist's availability, in the order checked
    (salonbook/domain/availability.py decides it)."""

    CLOSED = "CLOSED"
    TIME_OFF = "TIME_OFF"
    NOT_WORKING = "NOT_WORKING"
    BUFFER = "BUFFER"


class OutsideWorkingHours(SalonbookError):
    code = ErrorCode.OUTSIDE_WORKING_HOURS

    def __init__(self, message: str, *, reason: Refusal) -> None:
        super().__init__(message)
        self.reason = reason
