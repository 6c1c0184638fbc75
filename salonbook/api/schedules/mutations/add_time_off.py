"""addTimeOff: an admin, or a stylist for themself, adds time off."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from salonbook.api.input_fields import REASON, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.affected import affected_bookings
from salonbook.api.schedules.types import TimeOff
from salonbook.use_cases import absences


@strawberry.input
class AddTimeOffInput:
    stylist_id: strawberry.ID
    start: datetime
    end: datetime = strawberry.field(description="After start; at most 366 days later.")
    reason: str = strawberry.field(description="Required. " + REASON)


@strawberry.type
class AddTimeOffSuccess:
    time_off: TimeOff
    affected_bookings: list[BookingType] = strawberry.field(
        description="The stylist's bookings holding their slot inside the time off (they stay)."
    )


AddTimeOffResult = Annotated[
    AddTimeOffSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("AddTimeOffResult"),
]


@strawberry.mutation(description="An admin, or the stylist for themself: time off.")
@mutation_result
async def add_time_off(info: Info, input: AddTimeOffInput) -> AddTimeOffResult:
    ctx = info.context
    added = await absences.add_time_off(
        ctx.deps,
        ctx.caller,
        stylist_id=parse_id(input.stylist_id, field="stylistId"),
        start=input.start,
        end=input.end,
        reason=input.reason,
    )
    viewer = ctx.caller.require_actor()
    return AddTimeOffSuccess(
        time_off=TimeOff(record=added.time_off, viewer=viewer),
        affected_bookings=await affected_bookings(info, added.affected_bookings),
    )
