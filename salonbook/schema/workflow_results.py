"""Result unions of the salon-workflow mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.schema.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    IdempotencyConflictError,
    InvalidTransitionError,
    NotFoundError,
    ReasonRequiredError,
    SlotUnavailableError,
    ValidationFailedError,
    VersionConflictError,
)
from salonbook.schema.records import BookingReschedule, StylistNote
from salonbook.schema.types import BookingType, PersonType


@strawberry.type
class RescheduleBookingSuccess:
    booking: BookingType
    reschedule: BookingReschedule


@strawberry.type
class AddStylistNoteSuccess:
    note: StylistNote


@strawberry.type
class DeleteBookingSuccess:
    booking_id: strawberry.ID


@strawberry.type
class ErasePersonSuccess:
    person: PersonType


RescheduleBookingResult = Annotated[
    RescheduleBookingSuccess
    | NotFoundError
    | ForbiddenError
    | InvalidTransitionError
    | ValidationFailedError
    | SlotUnavailableError
    | VersionConflictError
    | ConcurrentUpdateError
    | IdempotencyConflictError,
    strawberry.union("RescheduleBookingResult"),
]

AddStylistNoteResult = Annotated[
    AddStylistNoteSuccess
    | NotFoundError
    | ForbiddenError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("AddStylistNoteResult"),
]

DeleteBookingResult = Annotated[
    DeleteBookingSuccess
    | NotFoundError
    | ForbiddenError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("DeleteBookingResult"),
]

ErasePersonResult = Annotated[
    ErasePersonSuccess
    | NotFoundError
    | ForbiddenError
    | ReasonRequiredError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("ErasePersonResult"),
]
