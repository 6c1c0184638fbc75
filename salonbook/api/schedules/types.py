"""The schedule types: weekly hours as weekday lists of "HH:MM" intervals, the salon's and a
stylist's schedule, time off, closures, and the audit's ScheduleChange."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from salonbook.api.context import Info
from salonbook.db.schedule_audit import ScheduleChange as ScheduleChangeRecord
from salonbook.db.schedules import ClosureRecord, TimeOffRecord
from salonbook.domain.errors import ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import (
    LocalInterval,
    SalonSettings,
    ScheduleChangeKind,
    StylistHours,
    Weekday,
    WeeklyHours,
    format_clock,
    parse_clock,
)
from salonbook.use_cases import schedule_queries

WeekdayEnum = strawberry.enum(Weekday, name="Weekday")
ScheduleChangeKindEnum = strawberry.enum(ScheduleChangeKind, name="ScheduleChangeKind")


@strawberry.type
class TimeInterval:
    start: str = strawberry.field(description='"HH:MM" in the salon\'s zone.')
    end: str = strawberry.field(description='"HH:MM"; at or before start: the next day.')


@strawberry.type
class WeekdayHours:
    weekday: Weekday
    intervals: list[TimeInterval]


@strawberry.input
class TimeIntervalInput:
    start: str = strawberry.field(description='"HH:MM", 00:00 to 23:59.')
    end: str = strawberry.field(description='"HH:MM"; at or before start: the next day.')


@strawberry.input
class WeekdayHoursInput:
    weekday: Weekday
    intervals: list[TimeIntervalInput]


def weekly_hours(days: list[WeekdayHoursInput] | None, *, field: str) -> WeeklyHours | None:
    """The input's weekdays as WeeklyHours (None: not set); a weekday listed twice is refused
    (the rules of a well-formed week are the domain's: check_weekly_hours)."""
    if days is None:
        return None
    found: dict[Weekday, tuple[LocalInterval, ...]] = {}
    for day in days:
        weekday = Weekday(day.weekday)
        if weekday in found:
            raise ValidationFailed(f"{field}: {weekday.name} is listed twice", field=field)
        found[weekday] = tuple(
            LocalInterval(
                start=parse_clock(interval.start, field=field),
                end=parse_clock(interval.end, field=field),
            )
            for interval in day.intervals
        )
    return WeeklyHours(days=found)


def weekday_hours(hours: WeeklyHours | None) -> list[WeekdayHours] | None:
    """Every weekday, Monday first, each with its intervals by start (none: closed)."""
    if hours is None:
        return None
    return [
        WeekdayHours(
            weekday=weekday,
            intervals=[
                TimeInterval(start=format_clock(i.start), end=format_clock(i.end))
                for i in sorted(hours.days.get(weekday, ()), key=lambda i: i.start)
            ],
        )
        for weekday in Weekday
    ]


@strawberry.type
class TimeOff:
    record: strawberry.Private[TimeOffRecord]
    viewer: strawberry.Private[Actor]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def stylist_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.stylist_id))

    @strawberry.field
    def start(self) -> datetime:
        return self.record.start

    @strawberry.field
    def end(self) -> datetime:
        return self.record.end

    @strawberry.field(description="Admins and the stylist themself only; null for others.")
    def reason(self) -> str | None:
        viewer = self.viewer
        if viewer.role.sees_everything or viewer.person_id == self.record.stylist_id:
            return self.record.reason
        return None


@strawberry.type
class Closure:
    record: strawberry.Private[ClosureRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def start(self) -> datetime:
        return self.record.start

    @strawberry.field
    def end(self) -> datetime:
        return self.record.end

    @strawberry.field
    def reason(self) -> str:
        return self.record.reason


@strawberry.type
class SalonSchedule:
    settings: strawberry.Private[SalonSettings]
    version: int = strawberry.field(description="Pass as expectedVersion to setSalonSchedule.")

    @strawberry.field(description="An IANA zone name; wall-clock hours are read in it.")
    def time_zone(self) -> str:
        return self.settings.time_zone

    @strawberry.field(description="The availability grid, in local minutes of the hour.")
    def slot_minutes(self) -> int:
        return self.settings.slot_minutes

    @strawberry.field(description="Null: not set, always open. When set, every weekday.")
    def opening_hours(self) -> list[WeekdayHours] | None:
        return weekday_hours(self.settings.opening_hours)

    @strawberry.field(description="The live closures overlapping [from, to), at most 366 days.")
    async def closures(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[Closure]:
        ctx = info.context
        found = await schedule_queries.closures(ctx.deps, ctx.caller, start=from_, end=to)
        return [Closure(record=record) for record in found]


@strawberry.type
class StylistSchedule:
    stylist: strawberry.Private[UUID]
    hours: strawberry.Private[StylistHours]
    version: int = strawberry.field(
        description="Pass as expectedVersion to setWorkingHours (0: never set)."
    )

    @strawberry.field
    def stylist_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.stylist))

    @strawberry.field(description="Null: not set, works whenever the salon is open.")
    def working_hours(self) -> list[WeekdayHours] | None:
        return weekday_hours(self.hours.working_hours)

    @strawberry.field
    def allow_outside_opening_hours(self) -> bool:
        return self.hours.outside_opening_hours

    @strawberry.field(description="The live time off overlapping [from, to), at most 366 days.")
    async def time_off(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> list[TimeOff]:
        ctx = info.context
        found = await schedule_queries.time_off(
            ctx.deps,
            ctx.caller,
            stylist_id=self.stylist,
            start=from_,
            end=to,
        )
        viewer = ctx.caller.require_actor()
        return [TimeOff(record=record, viewer=viewer) for record in found]


@strawberry.type
class ScheduleChange:
    record: strawberry.Private[ScheduleChangeRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def kind(self) -> ScheduleChangeKind:
        return self.record.kind

    @strawberry.field(description="Null: a salon-wide change.")
    def stylist_id(self) -> strawberry.ID | None:
        found = self.record.stylist_id
        return None if found is None else strawberry.ID(str(found))

    @strawberry.field
    def actor_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.actor_id))

    @strawberry.field
    def actor_role(self) -> Role:
        return self.record.actor_role

    @strawberry.field
    def reason(self) -> str:
        return self.record.reason

    @strawberry.field
    def before(self) -> JSON | None:
        return self.record.before  # type: ignore[no-any-return]

    @strawberry.field
    def after(self) -> JSON | None:
        return self.record.after  # type: ignore[no-any-return]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at


@strawberry.type
class ScheduleChangeNotice:
    """What a live SCHEDULE_CHANGED event says: which kind of change, whose (never why)."""

    kind: ScheduleChangeKind
    stylist_id: strawberry.ID | None = strawberry.field(description="Null: salon-wide.")
