"""Mutation result unions: a success type, or one of the typed errors."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.schema.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    IdempotencyConflictError,
    InvalidTimingError,
    InvalidTransitionError,
    NotFoundError,
    ReasonRequiredError,
    SlotUnavailableError,
    UndoWindowExpiredError,
    ValidationFailedError,
    VersionConflictError,
)
from salonbook.schema.types import BookingStatusChange, BookingType, PersonType, ServiceType


@strawberry.type
class CreateBookingSuccess:
    booking: BookingType


@strawberry.type
class TransitionBookingSuccess:
    booking: BookingType
    status_change: BookingStatusChange


@strawberry.type
class UpsertServiceSuccess:
    service: ServiceType


@strawberry.type
class UpsertPersonSuccess:
    person: PersonType


CreateBookingResult = Annotated[
    CreateBookingSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | SlotUnavailableError
    | IdempotencyConflictError
    | ConcurrentUpdateError,
    strawberry.union("CreateBookingResult"),
]

TransitionBookingResult = Annotated[
    TransitionBookingSuccess
    | NotFoundError
    | ForbiddenError
    | InvalidTransitionError
    | InvalidTimingError
    | UndoWindowExpiredError
    | ReasonRequiredError
    | ConcurrentUpdateError
    | VersionConflictError
    | SlotUnavailableError
    | IdempotencyConflictError
    | ValidationFailedError,
    strawberry.union("TransitionBookingResult"),
]

UpsertServiceResult = Annotated[
    UpsertServiceSuccess | ForbiddenError | ValidationFailedError | ConcurrentUpdateError,
    strawberry.union("UpsertServiceResult"),
]

UpsertPersonResult = Annotated[
    UpsertPersonSuccess
    | ForbiddenError
    | ValidationFailedError
    | NotFoundError
    | ConcurrentUpdateError,
    strawberry.union("UpsertPersonResult"),
]
