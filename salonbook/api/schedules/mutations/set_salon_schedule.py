"""setSalonSchedule: an admin sets the salon's zone, availability grid and opening hours."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    ValidationFailedError,
    VersionConflictError,
)
from salonbook.api.input_fields import REASON
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.types import SalonSchedule, WeekdayHoursInput, weekly_hours
from salonbook.use_cases import schedule_edits


@strawberry.input
class SetSalonScheduleInput:
    time_zone: str = strawberry.field(description="An IANA zone name, e.g. Europe/Berlin.")
    slot_minutes: int = strawberry.field(description="5, 10, 15, 20, 30 or 60.")
    opening_hours: list[WeekdayHoursInput] | None = strawberry.field(
        description="Null: always open. A weekday left out: closed that day."
    )
    reason: str = strawberry.field(description="Required. " + REASON)
    expected_version: int | None = None


@strawberry.type
class SetSalonScheduleSuccess:
    schedule: SalonSchedule


SetSalonScheduleResult = Annotated[
    SetSalonScheduleSuccess
    | ForbiddenError
    | ValidationFailedError
    | VersionConflictError
    | ConcurrentUpdateError,
    strawberry.union("SetSalonScheduleResult"),
]


@strawberry.mutation(description="Admin only: the salon's zone, grid and opening hours.")
@mutation_result
async def set_salon_schedule(info: Info, input: SetSalonScheduleInput) -> SetSalonScheduleResult:
    ctx = info.context
    saved = await schedule_edits.set_salon_schedule(
        ctx.deps,
        ctx.caller,
        time_zone=input.time_zone,
        slot_minutes=input.slot_minutes,
        opening_hours=weekly_hours(input.opening_hours, field="openingHours"),
        reason=input.reason,
        expected_version=input.expected_version,
    )
    return SetSalonScheduleSuccess(
        schedule=SalonSchedule(settings=saved.settings, version=saved.version)
    )
