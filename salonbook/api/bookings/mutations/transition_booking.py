"""transitionBooking: an action (CONFIRM, CANCEL, START, ...) moves a booking to its next status."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.bookings.changes import BookingStatusChange
from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info, RequestContext
from salonbook.api.errors import (
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
from salonbook.api.execution.input_conversion import built_directly
from salonbook.api.input_fields import KEY, REASON, optional, parse_id, parse_key
from salonbook.api.mutation_result import mutation_result
from salonbook.domain.statuses import BookingAction
from salonbook.use_cases.queries import booking as load_booking
from salonbook.use_cases.transition_booking import transition_booking as transition


@built_directly
@strawberry.input
class TransitionBookingInput:
    booking_id: strawberry.ID
    action: BookingAction
    reason: str | None = optional(REASON)
    expected_version: int | None = None
    idempotency_key: str | None = optional(KEY)


@strawberry.type
class TransitionBookingSuccess:
    booking: BookingType
    status_change: BookingStatusChange


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


@strawberry.mutation
async def transition_booking(info: Info, input: TransitionBookingInput) -> TransitionBookingResult:
    return await transitioned(info.context, input)


@mutation_result
async def transitioned(
    ctx: RequestContext, input: TransitionBookingInput
) -> TransitionBookingResult:
    """The resolver's work, which a planned mutation (api/planned/mutation.py) calls alike."""
    done = await transition(
        ctx.deps,
        ctx.caller,
        booking_id=parse_id(input.booking_id, field="bookingId"),
        action=input.action,
        reason=input.reason,
        expected_version=input.expected_version,
        idempotency_key=parse_key(input.idempotency_key),
    )
    viewer = ctx.caller.require_actor()
    record, change = done.booking, done.status_change
    if record is None or change is None:  # a replayed key: read them now
        record = await load_booking(ctx.deps, ctx.caller, booking_id=done.booking_id)
        change = await ctx.loaders.status_change.load(done.status_change_id)
    assert change is not None, "a recorded change is never deleted"
    return TransitionBookingSuccess(
        booking=BookingType(record=record, viewer=viewer),
        status_change=BookingStatusChange(record=change, viewer=viewer),
    )
