"""rescheduleBooking: an admin moves a PENDING or CONFIRMED booking to another start time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from salonbook.api.bookings.changes import BookingReschedule
from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    IdempotencyConflictError,
    InvalidTransitionError,
    NotFoundError,
    OutsideWorkingHoursError,
    SlotUnavailableError,
    ValidationFailedError,
    VersionConflictError,
)
from salonbook.api.input_fields import KEY, OVERRIDE, REASON, START, optional, parse_id, parse_key
from salonbook.api.mutation_result import mutation_result
from salonbook.use_cases import booking_changes
from salonbook.use_cases.queries import booking as load_booking


@strawberry.input
class RescheduleBookingInput:
    booking_id: strawberry.ID
    start_time: datetime = strawberry.field(description=START)
    reason: str | None = optional(REASON)
    expected_version: int | None = None
    idempotency_key: str | None = optional(KEY)
    override_reason: str | None = optional(OVERRIDE)


@strawberry.type
class RescheduleBookingSuccess:
    booking: BookingType
    reschedule: BookingReschedule


RescheduleBookingResult = Annotated[
    RescheduleBookingSuccess
    | NotFoundError
    | ForbiddenError
    | InvalidTransitionError
    | ValidationFailedError
    | OutsideWorkingHoursError
    | SlotUnavailableError
    | VersionConflictError
    | ConcurrentUpdateError
    | IdempotencyConflictError,
    strawberry.union("RescheduleBookingResult"),
]


@strawberry.mutation(description="Admin only: move a PENDING or CONFIRMED booking.")
@mutation_result
async def reschedule_booking(info: Info, input: RescheduleBookingInput) -> RescheduleBookingResult:
    ctx = info.context
    booking_id = parse_id(input.booking_id, field="bookingId")
    reschedule_id = await booking_changes.reschedule_booking(
        ctx.deps,
        ctx.caller,
        booking_id=booking_id,
        start=input.start_time,
        reason=input.reason,
        expected_version=input.expected_version,
        idempotency_key=parse_key(input.idempotency_key),
        override_reason=input.override_reason,
    )
    viewer = ctx.caller.require_actor()
    record = await load_booking(ctx.deps, ctx.caller, booking_id=booking_id)
    move = await ctx.loaders.reschedule.load(reschedule_id)
    assert move is not None, "a reschedule record is never deleted"
    return RescheduleBookingSuccess(
        booking=BookingType(record=record, viewer=viewer),
        reschedule=BookingReschedule(record=move, viewer=viewer),
    )
