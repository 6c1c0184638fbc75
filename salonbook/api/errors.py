"""GraphQL error types, and the one place where domain errors become them."""

from __future__ import annotations

import strawberry

from salonbook.domain import errors as domain
from salonbook.domain.errors import ErrorCode, Refusal


@strawberry.interface
class Error:
    code: ErrorCode
    message: str


@strawberry.type
class NotFoundError(Error):
    pass


@strawberry.type
class ForbiddenError(Error):
    pass


@strawberry.type
class ValidationFailedError(Error):
    field: str | None


@strawberry.type
class InvalidTransitionError(Error):
    pass


@strawberry.type
class InvalidTimingError(Error):
    pass


@strawberry.type
class UndoWindowExpiredError(Error):
    pass


@strawberry.type
class ReasonRequiredError(Error):
    pass


@strawberry.type
class ConcurrentUpdateError(Error):
    pass


@strawberry.type
class VersionConflictError(Error):
    current_version: int


@strawberry.type
class SlotUnavailableError(Error):
    pass


@strawberry.type
class IdempotencyConflictError(Error):
    pass


OutsideWorkingHoursReason = strawberry.enum(Refusal, name="OutsideWorkingHoursReason")


@strawberry.type
class OutsideWorkingHoursError(Error):
    reason: Refusal


_SIMPLE: dict[type[domain.SalonbookError], type[Error]] = {
    domain.NotFound: NotFoundError,
    domain.Forbidden: ForbiddenError,
    domain.InvalidTransition: InvalidTransitionError,
    domain.InvalidTiming: InvalidTimingError,
    domain.UndoWindowExpired: UndoWindowExpiredError,
    domain.ReasonRequired: ReasonRequiredError,
    domain.ConcurrentUpdate: ConcurrentUpdateError,
    domain.SlotUnavailable: SlotUnavailableError,
    domain.IdempotencyConflict: IdempotencyConflictError,
}


def error_type(error: domain.SalonbookError) -> Error:
    """The GraphQL error for a domain error (Unauthenticated is not one: it is top-level)."""
    if isinstance(error, domain.ValidationFailed):
        return ValidationFailedError(code=error.code, message=error.message, field=error.field)
    if isinstance(error, domain.OutsideWorkingHours):
        return OutsideWorkingHoursError(code=error.code, message=error.message, reason=error.reason)
    if isinstance(error, domain.VersionConflict):
        return VersionConflictError(
            code=error.code, message=error.message, current_version=error.current_version
        )
    for cls in type(error).__mro__:  # a subclass (TransactionAborted) answers as its parent
        kind = _SIMPLE.get(cls)
        if kind is not None:
            return kind(code=error.code, message=error.message)
    raise error
