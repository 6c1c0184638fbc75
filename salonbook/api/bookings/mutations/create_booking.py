"""createBooking: a customer (or an admin, for one) books a stylist's service at a start time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    IdempotencyConflictError,
    NotFoundError,
    OutsideWorkingHoursError,
    SlotUnavailableError,
    ValidationFailedError,
)
from salonbook.api.execution.input_conversion import built_directly
from salonbook.api.input_fields import (
    KEY,
    OVERRIDE,
    START,
    optional,
    parse_id,
    parse_key,
    parse_optional_id,
)
from salonbook.api.mutation_result import mutation_result
from salonbook.use_cases.create_booking import create_booking as book
from salonbook.use_cases.queries import booking as load_booking


@built_directly
@strawberry.input
class CreateBookingInput:
    stylist_id: strawberry.ID
    service_id: strawberry.ID
    start_time: datetime = strawberry.field(description=START)
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the signed-in customer."
    )
    idempotency_key: str | None = optional(KEY)
    override_reason: str | None = optional(OVERRIDE)


@strawberry.type
class CreateBookingSuccess:
    booking: BookingType


CreateBookingResult = Annotated[
    CreateBookingSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | OutsideWorkingHoursError
    | SlotUnavailableError
    | IdempotencyConflictError
    | ConcurrentUpdateError,
    strawberry.union("CreateBookingResult"),
]


@strawberry.mutation
@mutation_result
async def create_booking(info: Info, input: CreateBookingInput) -> CreateBookingResult:
    ctx = info.context
    booking_id = await book(
        ctx.deps,
        ctx.caller,
        customer_id=parse_optional_id(input.customer_id, field="customerId"),
        stylist_id=parse_id(input.stylist_id, field="stylistId"),
        service_id=parse_id(input.service_id, field="serviceId"),
        start=input.start_time,
        idempotency_key=parse_key(input.idempotency_key),
        override_reason=input.override_reason,
    )
    record = await load_booking(ctx.deps, ctx.caller, booking_id=booking_id)
    return CreateBookingSuccess(
        booking=BookingType(record=record, viewer=ctx.caller.require_actor())
    )
