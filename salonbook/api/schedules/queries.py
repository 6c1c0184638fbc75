"""salonSchedule, stylistSchedule and scheduleChanges."""

from __future__ import annotations

import strawberry

from salonbook.api.context import Info
from salonbook.api.input_fields import parse_id, parse_optional_id
from salonbook.api.schedules.types import SalonSchedule, ScheduleChange, StylistSchedule
from salonbook.use_cases import schedule_queries


@strawberry.field(description="The salon's zone, grid, opening hours and closures.")
async def salon_schedule(info: Info) -> SalonSchedule:
    ctx = info.context
    stored = await schedule_queries.salon_schedule(ctx.deps, ctx.caller)
    return SalonSchedule(settings=stored.settings, version=stored.version)


@strawberry.field(description="A stylist's weekly hours and time off.")
async def stylist_schedule(info: Info, stylist_id: strawberry.ID) -> StylistSchedule:
    ctx = info.context
    stored = await schedule_queries.stylist_schedule(
        ctx.deps, ctx.caller, stylist_id=parse_id(stylist_id, field="stylistId")
    )
    return StylistSchedule(stylist=stored.stylist_id, hours=stored.hours, version=stored.version)


@strawberry.field(
    description=(
        "The schedule's audit, newest first (limit 1 to"
        f" {schedule_queries.CHANGES_LIMIT_MAX}): admins every change, a stylist their own and"
        " the salon-wide ones; customers are refused."
    )
)
async def schedule_changes(
    info: Info, stylist_id: strawberry.ID | None = None, limit: int = 50
) -> list[ScheduleChange]:
    ctx = info.context
    found = await schedule_queries.schedule_changes(
        ctx.deps,
        ctx.caller,
        stylist_id=parse_optional_id(stylist_id, field="stylistId"),
        limit=limit,
    )
    return [ScheduleChange(record=change) for change in found]
