"""Working time: the salon's zone, grid and opening hours, a stylist's weekly hours, time off
and closures, and the rules that make a week of hours well formed.

Weekly hours are wall-clock intervals per weekday in the salon's zone. An interval whose end
is at or before its start ends on the next day (22:00-02:00 on a Friday runs into Saturday;
00:00-00:00 is the whole day). Time off and closures are instants (UTC), so a change of the
salon's zone never moves them. `None` for opening hours or for a stylist's hours means "not
set": every time is open, or the stylist works whenever the salon is open."""

from __future__ import annotations

import enum
import itertools
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from salonbook.domain.errors import ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role

DAY = timedelta(days=1)
WEEK_MINUTES = 7 * 24 * 60
INTERVALS_PER_DAY_MAX = 6
"""Split shifts are common; more than six intervals on one day is a mistake."""
SLOT_MINUTES_CHOICES = (5, 10, 15, 20, 30, 60)
"""The availability grid divides the hour, so every hour's slots start at the same minutes."""
SLOT_MINUTES_DEFAULT = 15
TIME_ZONE_DEFAULT = "UTC"
TIME_ZONE_MAX = 64
ABSENCE_MAX = timedelta(days=366)
"""The longest single time off or closure; longer absences are entered year by year."""
AVAILABILITY_RANGE_MAX = timedelta(days=14)
BUFFER_MINUTES_MAX = 240


class ScheduleChangeKind(enum.StrEnum):
    """What a row of the schedule audit (schedule_changes) records."""

    SALON_SETTINGS_SET = "SALON_SETTINGS_SET"
    WORKING_HOURS_SET = "WORKING_HOURS_SET"
    TIME_OFF_ADDED = "TIME_OFF_ADDED"
    TIME_OFF_REMOVED = "TIME_OFF_REMOVED"
    CLOSURE_ADDED = "CLOSURE_ADDED"
    CLOSURE_REMOVED = "CLOSURE_REMOVED"


class Weekday(enum.IntEnum):
    """ISO numbering, as `date.isoweekday()` gives it."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


@dataclass(frozen=True, slots=True)
class LocalInterval:
    """Wall-clock start and end on one weekday; an end at or before the start is next day."""

    start: time
    end: time

    @property
    def minutes(self) -> int:
        start, end = _minute_of_day(self.start), _minute_of_day(self.end)
        return end - start if end > start else end + 24 * 60 - start

    def week_span(self, weekday: Weekday) -> tuple[int, int]:
        """[start, end) in minutes from Monday 00:00; the end may pass the week's end."""
        start = (weekday - 1) * 24 * 60 + _minute_of_day(self.start)
        return start, start + self.minutes


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Intervals per weekday; a weekday missing from `days` has none (closed, not working)."""

    days: dict[Weekday, tuple[LocalInterval, ...]]

    def spans(self) -> list[tuple[int, int]]:
        """Every interval as [start, end) minutes from Monday 00:00, in order."""
        return sorted(
            interval.week_span(weekday)
            for weekday, intervals in self.days.items()
            for interval in intervals
        )


@dataclass(frozen=True, slots=True)
class SalonSettings:
    time_zone: str = TIME_ZONE_DEFAULT
    slot_minutes: int = SLOT_MINUTES_DEFAULT
    opening_hours: WeeklyHours | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True, slots=True)
class StylistHours:
    """A stylist's weekly hours (None: works whenever the salon is open) and whether an admin
    let them lie outside the opening hours (then they alone count)."""

    working_hours: WeeklyHours | None = None
    outside_opening_hours: bool = False


@dataclass(frozen=True, slots=True)
class Busy:
    """A booking holding its stylist: [start, busy_until), its end plus its buffer."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Absence:
    """A stylist's time off, or (with no stylist) a closure of the whole salon: [start, end)."""

    start: datetime
    end: datetime


def sees_schedule_change(viewer: Actor, *, stylist_id: UUID | None) -> bool:
    """Who hears of a schedule change (kind and stylist only, never the reason): admins and
    the system; every stylist of a salon-wide one, the stylist concerned of theirs; customers
    of every one (they may see every stylist's availability)."""
    if viewer.role is Role.STYLIST:
        return stylist_id is None or stylist_id == viewer.person_id
    return True


def _minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def check_time_zone(name: str, *, field: str = "timeZone") -> str:
    """An IANA zone name this machine knows, e.g. Europe/Berlin."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > TIME_ZONE_MAX or cleaned not in _zones():
        raise ValidationFailed(
            f"{field} must be an IANA time zone name such as Europe/Berlin", field=field
        )
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationFailed(f"{field}: unknown time zone", field=field) from error
    return cleaned


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


def check_slot_minutes(minutes: int, *, field: str = "slotMinutes") -> int:
    if minutes not in SLOT_MINUTES_CHOICES:
        choices = ", ".join(str(choice) for choice in SLOT_MINUTES_CHOICES)
        raise ValidationFailed(f"{field} must divide the hour: one of {choices}", field=field)
    return minutes


def check_buffer_minutes(minutes: int, *, field: str = "bufferMinutes") -> int:
    """A service's busy time after each booking."""
    if not 0 <= minutes <= BUFFER_MINUTES_MAX:
        raise ValidationFailed(f"{field} must be 0 to {BUFFER_MINUTES_MAX}", field=field)
    return minutes


def check_weekly_hours(hours: WeeklyHours, *, field: str) -> WeeklyHours:
    """Whole minutes, at most INTERVALS_PER_DAY_MAX a day, no two intervals overlapping (an
    interval running past midnight counts against the next day's, Sunday's against Monday's)."""
    for weekday, intervals in hours.days.items():
        if len(intervals) > INTERVALS_PER_DAY_MAX:
            raise ValidationFailed(
                f"{field}: at most {INTERVALS_PER_DAY_MAX} intervals on {weekday.name}",
                field=field,
            )
        for interval in intervals:
            for moment in (interval.start, interval.end):
                if moment.second or moment.microsecond or moment.tzinfo is not None:
                    raise ValidationFailed(
                        f"{field}: times are whole minutes without an offset", field=field
                    )
    spans = hours.spans()
    wrapped = spans + [(start + WEEK_MINUTES, end + WEEK_MINUTES) for start, end in spans]
    for (_, end), (next_start, _) in itertools.pairwise(wrapped):
        if next_start < end:
            raise ValidationFailed(f"{field}: intervals overlap", field=field)
    return hours


def within(inner: WeeklyHours, outer: WeeklyHours) -> bool:
    """Whether every interval of `inner` lies inside `outer`'s time (wall clock; intervals of
    `outer` that touch count as one, so 22:00-02:00 fits Friday's and Saturday's whole days)."""
    shifted = [
        (start + weeks * WEEK_MINUTES, end + weeks * WEEK_MINUTES)
        for weeks in (-1, 0, 1)
        for start, end in outer.spans()
    ]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(shifted):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return all(
        any(o_start <= start and end <= o_end for o_start, o_end in merged)
        for start, end in inner.spans()
    )


def check_absence(start: datetime, end: datetime, *, field: str = "end") -> Absence:
    """Aware instants, end after start, at most ABSENCE_MAX long."""
    for moment in (start, end):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationFailed(f"{field}: times need a time zone offset", field=field)
    if end <= start:
        raise ValidationFailed(f"{field} must be after start", field=field)
    if end - start > ABSENCE_MAX:
        raise ValidationFailed(f"{field}: at most {ABSENCE_MAX.days} days from start", field=field)
    return Absence(start=start, end=end)


_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def parse_clock(text: str, *, field: str) -> time:
    """A wall-clock "HH:MM" (00:00 to 23:59; an end of 00:00 is the next midnight)."""
    found = _CLOCK.fullmatch(text)
    if found is None:
        raise ValidationFailed(f"{field}: times are HH:MM, 00:00 to 23:59", field=field)
    return time(int(found[1]), int(found[2]))


def format_clock(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def weekly_hours_to_json(hours: WeeklyHours) -> dict[str, list[list[str]]]:
    """As stored (jsonb) and audited: {"MONDAY": [["09:00", "17:00"]], ...}, weekdays in order,
    a weekday without intervals left out."""
    return {
        weekday.name: [
            [format_clock(interval.start), format_clock(interval.end)]
            for interval in sorted(hours.days[weekday], key=lambda i: i.start)
        ]
        for weekday in sorted(hours.days)
        if hours.days[weekday]
    }


def weekly_hours_from_json(data: dict[str, list[list[str]]]) -> WeeklyHours:
    return WeeklyHours(
        days={
            Weekday[name]: tuple(
                LocalInterval(
                    start=parse_clock(start, field=name), end=parse_clock(end, field=name)
                )
                for start, end in intervals
            )
            for name, intervals in data.items()
        }
    )
