"""deleteBooking: a soft delete, which hides the booking from queries and subscriptions."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from salonbook.api.input_fields import REASON, optional, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.use_cases import booking_changes


@strawberry.input
class DeleteBookingInput:
    booking_id: strawberry.ID
    reason: str | None = optional(REASON)


@strawberry.type
class DeleteBookingSuccess:
    booking_id: strawberry.ID


DeleteBookingResult = Annotated[
    DeleteBookingSuccess
    | NotFoundError
    | ForbiddenError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("DeleteBookingResult"),
]


@strawberry.mutation(description="Soft-delete: hidden from queries and subscriptions.")
@mutation_result
async def delete_booking(info: Info, input: DeleteBookingInput) -> DeleteBookingResult:
    ctx = info.context
    deleted = await booking_changes.delete_booking(
        ctx.deps,
        ctx.caller,
        booking_id=parse_id(input.booking_id, field="bookingId"),
        reason=input.reason,
    )
    return DeleteBookingSuccess(booking_id=strawberry.ID(str(deleted)))
