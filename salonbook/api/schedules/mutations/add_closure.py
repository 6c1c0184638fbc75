"""addClosure: an admin closes the whole salon for a while."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info
from salonbook.api.errors import ConcurrentUpdateError, ForbiddenError, ValidationFailedError
from salonbook.api.input_fields import REASON
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.affected import affected_bookings
from salonbook.api.schedules.types import Closure
from salonbook.use_cases import absences


@strawberry.input
class AddClosureInput:
    start: datetime
    end: datetime = strawberry.field(description="After start; at most 366 days later.")
    reason: str = strawberry.field(description="Required. " + REASON)


@strawberry.type
class AddClosureSuccess:
    closure: Closure
    affected_bookings: list[BookingType] = strawberry.field(
        description="Bookings holding their slot inside the closure (they stay)."
    )


AddClosureResult = Annotated[
    AddClosureSuccess | ForbiddenError | ValidationFailedError | ConcurrentUpdateError,
    strawberry.union("AddClosureResult"),
]


@strawberry.mutation(description="Admin only: close the salon from start to end.")
@mutation_result
async def add_closure(info: Info, input: AddClosureInput) -> AddClosureResult:
    ctx = info.context
    added = await absences.add_closure(
        ctx.deps, ctx.caller, start=input.start, end=input.end, reason=input.reason
    )
    return AddClosureSuccess(
        closure=Closure(record=added.closure),
        affected_bookings=await affected_bookings(info, added.affected_bookings),
    )
