"""availability: when a service can be booked, per stylist; and the check createBooking and
rescheduleBooking make against the same rule (domain/availability.py) before they write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import availability as facts_of
from salonbook.db import slots
from salonbook.db.engine import reading
from salonbook.domain import bounds
from salonbook.domain.availability import Slot, Weeks, free_starts, working_time
from salonbook.domain.errors import Forbidden, NotFound, OutsideWorkingHours, ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import AVAILABILITY_RANGE_MAX
from salonbook.domain.start_times import as_utc
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.directory import STYLISTS_LIMIT


@dataclass(frozen=True, slots=True)
class StylistSlots:
    stylist_id: UUID
    slots: list[Slot]


def _window(start: datetime, end: datetime, *, now: datetime) -> tuple[datetime, datetime]:
    """[from, to) in UTC, a past `from` counted from now; at most AVAILABILITY_RANGE_MAX."""
    start, end = as_utc(start), as_utc(end)
    if start >= end:
        raise ValidationFailed("to must be after from", field="to")
    start = max(start, now)
    if end - start > AVAILABILITY_RANGE_MAX:
        days = AVAILABILITY_RANGE_MAX.days
        raise ValidationFailed(f"to must be at most {days} days after from", field="to")
    return start, max(start, end)


async def availability(
    deps: Deps,
    caller: Caller,
    *,
    service_id: UUID,
    start: datetime,
    end: datetime,
    stylist_id: UUID | None,
) -> list[StylistSlots]:
    """The free starts of [start, end) for the service, for the stylist or every stylist."""
    caller.require_actor()
    now = deps.clock.now()
    start, end = _window(start, end, now=now)
    async with reading(deps.engine) as connection:
        facts = await facts_of.availability_facts(
            connection,
            service_id=service_id,
            stylist_id=stylist_id,
            start=start,
            end=end,
            limit=STYLISTS_LIMIT,
        )
    if facts.service is None:
        raise NotFound("service not found")
    if not facts.service.active:  # as createBooking answers for it
        raise ValidationFailed("no such service", field="serviceId")
    if stylist_id is not None and not facts.stylists:
        raise NotFound("stylist not found")
    service = facts.service
    span_end = end + service.duration + service.buffer
    weeks = Weeks(facts.settings, start=start, end=span_end)
    found = []
    for stylist in facts.stylists:
        working = working_time(
            settings=facts.settings,
            hours=stylist.hours.working_hours,
            outside_opening_hours=stylist.hours.outside_opening_hours,
            time_off=stylist.time_off,
            closures=facts.closures,
            start=start,
            end=span_end,
            weeks=weeks,
        )
        slots_found = free_starts(
            working=working,
            busy=stylist.busy,
            settings=facts.settings,
            duration=service.duration,
            buffer=service.buffer,
            start=start,
            end=end,
            now=now,
            windows=deps.windows,
        )
        found.append(StylistSlots(stylist_id=stylist.stylist_id, slots=slots_found))
    return found


def override_reason(actor: Actor, reason: str | None) -> str | None:
    """An admin's reason to book outside working hours, trimmed; anyone else is refused."""
    if reason is None:
        return None
    if actor.role is not Role.ADMIN:
        raise Forbidden("only an admin books outside working hours")
    trimmed = bounds.reason(reason, field="overrideReason")
    if trimmed is None:
        raise ValidationFailed("overrideReason must not be blank", field="overrideReason")
    return trimmed


async def check_working_time(
    connection: AsyncConnection,
    *,
    stylist_id: UUID,
    start: datetime,
    end: datetime,
    busy_until: datetime,
) -> None:
    """Refuse [start, end) with its buffer up to `busy_until` when it lies outside the
    stylist's availability. Takes the stylist's slots and the salon's schedule (shared) first,
    so that no schedule edit commits between this read and the booking's write."""
    await slots.take_slots_deciding_on_schedule(connection, stylist_id)
    facts = await facts_of.stylist_working_time(
        connection, stylist_id=stylist_id, start=start, end=busy_until
    )
    working = working_time(
        settings=facts.settings,
        hours=facts.hours.working_hours,
        outside_opening_hours=facts.hours.outside_opening_hours,
        time_off=facts.time_off,
        closures=facts.closures,
        start=start,
        end=busy_until,
    )
    refusal = working.refusal(start, end, busy_until)
    if refusal is not None:
        raise OutsideWorkingHours(_WHY[refusal.value], reason=refusal)


_WHY = {
    "CLOSED": "the salon is closed then",
    "TIME_OFF": "the stylist has time off then",
    "NOT_WORKING": "the stylist does not work then",
    "BUFFER": "the service's buffer after the booking runs past the stylist's working time",
}
