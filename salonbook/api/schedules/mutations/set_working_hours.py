"""setWorkingHours: an admin sets a stylist's weekly hours."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from salonbook.api.input_fields import REASON, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.types import StylistSchedule, WeekdayHoursInput, weekly_hours
from salonbook.use_cases import schedule_edits


@strawberry.input
class SetWorkingHoursInput:
    stylist_id: strawberry.ID
    working_hours: list[WeekdayHoursInput] | None = strawberry.field(
        description="Null: works whenever the salon is open. A weekday left out: not working."
    )
    reason: str = strawberry.field(description="Required. " + REASON)
    allow_outside_opening_hours: bool = strawberry.field(
        default=False,
        description="True: these hours alone count, even outside the opening hours.",
    )
    expected_version: int | None = None


@strawberry.type
class SetWorkingHoursSuccess:
    schedule: StylistSchedule


SetWorkingHoursResult = Annotated[
    SetWorkingHoursSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | VersionConflictError
    | ConcurrentUpdateError,
    strawberry.union("SetWorkingHoursResult"),
]


@strawberry.mutation(
    description="Admin only: a stylist's weekly hours, within the opening hours unless allowed."
)
@mutation_result
async def set_working_hours(info: Info, input: SetWorkingHoursInput) -> SetWorkingHoursResult:
    ctx = info.context
    saved = await schedule_edits.set_working_hours(
        ctx.deps,
        ctx.caller,
        stylist_id=parse_id(input.stylist_id, field="stylistId"),
        working_hours=weekly_hours(input.working_hours, field="workingHours"),
        allow_outside_opening_hours=input.allow_outside_opening_hours,
        reason=input.reason,
        expected_version=input.expected_version,
    )
    return SetWorkingHoursSuccess(
        schedule=StylistSchedule(stylist=saved.stylist_id, hours=saved.hours, version=saved.version)
    )
