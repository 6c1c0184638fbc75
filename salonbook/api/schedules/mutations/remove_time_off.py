"""removeTimeOff: an admin, or the stylist for their own, removes time off (marked, kept)."""

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
from salonbook.api.input_fields import REASON, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.types import TimeOff
from salonbook.use_cases import absences


@strawberry.input
class RemoveTimeOffInput:
    time_off_id: strawberry.ID
    reason: str = strawberry.field(description="Required. " + REASON)


@strawberry.type
class RemoveTimeOffSuccess:
    time_off: TimeOff


RemoveTimeOffResult = Annotated[
    RemoveTimeOffSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("RemoveTimeOffResult"),
]


@strawberry.mutation(description="An admin, or the stylist for their own: remove time off.")
@mutation_result
async def remove_time_off(info: Info, input: RemoveTimeOffInput) -> RemoveTimeOffResult:
    ctx = info.context
    removed = await absences.remove_time_off(
        ctx.deps,
        ctx.caller,
        time_off_id=parse_id(input.time_off_id, field="timeOffId"),
        reason=input.reason,
    )
    return RemoveTimeOffSuccess(time_off=TimeOff(record=removed, viewer=ctx.caller.require_actor()))
