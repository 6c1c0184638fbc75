"""Reading working time for the API: the salon's schedule, a stylist's, their time off and the
closures in a range, and the schedule audit (admins all of it; a stylist their own changes and
the salon-wide ones; customers none)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from salonbook.db import schedule_audit, schedules
from salonbook.db.engine import reading
from salonbook.db.schedule_audit import ScheduleChange
from salonbook.db.schedules import (
    ClosureRecord,
    StoredSalonSettings,
    StoredStylistHours,
    TimeOffRecord,
)
from salonbook.domain.errors import Forbidden, ValidationFailed
from salonbook.domain.roles import Role
from salonbook.domain.schedules import ABSENCE_MAX
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.schedule_edits import require_stylist

CHANGES_LIMIT_MAX = 200


def check_range(start: datetime, end: datetime) -> None:
    """A listing's [from, to): aware, from before to, at most ABSENCE_MAX (366 days)."""
    for moment in (start, end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationFailed("to: times need a time zone offset", field="to")
    if end <= start:
        raise ValidationFailed("to must be after from", field="to")
    if end - start > ABSENCE_MAX:
        raise ValidationFailed(f"to: at most {ABSENCE_MAX.days} days after from", field="to")


async def salon_schedule(deps: Deps, caller: Caller) -> StoredSalonSettings:
    caller.require_actor()
    async with reading(deps.engine) as connection:
        return await schedules.stored_salon_settings(connection)


async def stylist_schedule(deps: Deps, caller: Caller, *, stylist_id: UUID) -> StoredStylistHours:
    caller.require_actor()
    async with reading(deps.engine) as connection:
        await require_stylist(connection, stylist_id)
        return (await schedules.stored_stylist_hours(connection, stylist_ids=[stylist_id]))[
            stylist_id
        ]


async def time_off(
    deps: Deps, caller: Caller, *, stylist_id: UUID, start: datetime, end: datetime
) -> list[TimeOffRecord]:
    caller.require_actor()
    check_range(start, end)
    async with reading(deps.engine) as connection:
        found = await schedules.time_off_records(
            connection, stylist_ids=[stylist_id], start=start, end=end
        )
    return found[stylist_id]


async def closures(
    deps: Deps, caller: Caller, *, start: datetime, end: datetime
) -> list[ClosureRecord]:
    caller.require_actor()
    check_range(start, end)
    async with reading(deps.engine) as connection:
        return await schedules.closure_records(connection, start=start, end=end)


async def schedule_changes(
    deps: Deps, caller: Caller, *, stylist_id: UUID | None, limit: int
) -> list[ScheduleChange]:
    """Newest first. With a stylist: that stylist's changes (and, for a stylist viewer, the
    salon-wide ones beside their own)."""
    actor = caller.require_actor()
    if not 1 <= limit <= CHANGES_LIMIT_MAX:
        raise ValidationFailed(f"limit must be 1 to {CHANGES_LIMIT_MAX}", field="limit")
    if actor.role is Role.CUSTOMER:
        raise Forbidden("customers do not read the schedule's audit")
    if actor.role is Role.STYLIST:
        if stylist_id is not None and stylist_id != actor.person_id:
            raise Forbidden("a stylist reads their own schedule changes")
        ids: list[UUID | None] | None = [actor.person_id, None]
    else:
        ids = None if stylist_id is None else [stylist_id]
    async with reading(deps.engine) as connection:
        return await schedule_audit.list_changes(connection, stylist_ids=ids, limit=limit)
