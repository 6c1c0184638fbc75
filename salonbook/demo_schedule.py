"""The demo salon's working time: opening hours in Europe/Berlin, each stylist's weekly hours
and some time off, and where the demo's bookings go so that each lies inside its stylist's
working time whenever the demo is loaded (at 03:00 on a Sunday, too).

A demo booking is described by its offset from the moment of loading. Past ones are packed
backwards from there into the stylist's working time, nearest first; the others forwards;
each on the start grid, no two of a stylist's busy spans (end plus buffer) overlapping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salonbook.domain.schedules import LocalInterval, SalonSettings, Weekday, WeeklyHours

ZONE = "Europe/Berlin"
W = Weekday


def _week(days: dict[Weekday, tuple[str, str]]) -> WeeklyHours:
    return WeeklyHours(
        days={
            day: (LocalInterval(time.fromisoformat(start), time.fromisoformat(end)),)
            for day, (start, end) in days.items()
        }
    )


OPENING = _week(
    {
        day: ("09:00", "19:00")
        for day in (W.MONDAY, W.TUESDAY, W.WEDNESDAY, W.THURSDAY, W.FRIDAY, W.SATURDAY)
    }
)
SETTINGS = SalonSettings(time_zone=ZONE, slot_minutes=15, opening_hours=OPENING)
HOURS = {
    "stylist-sam": _week(
        {
            day: ("09:00", "17:00")
            for day in (W.MONDAY, W.TUESDAY, W.WEDNESDAY, W.THURSDAY, W.FRIDAY)
        }
        | {W.SATURDAY: ("10:00", "14:00")}
    ),
    "stylist-rio": _week(
        {
            day: ("11:00", "19:00")
            for day in (W.TUESDAY, W.WEDNESDAY, W.THURSDAY, W.FRIDAY, W.SATURDAY)
        }
    ),
}
TIME_OFF_DAYS = {"stylist-rio": (10, 2), "stylist-sam": (17, 1)}
"""(first day from the loading day, number of days): whole local days, past every booking."""
SEARCH_DAYS = 9
"""How far from the loading moment working time is looked for (each stylist works weekly)."""


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def time_off_span(key: str, now: datetime) -> tuple[datetime, datetime]:
    first, days = TIME_OFF_DAYS[key]
    today = now.astimezone(ZoneInfo(ZONE)).date()
    start = today + timedelta(days=first)
    return local_midnight(start), local_midnight(start + timedelta(days=days))


def working_spans(key: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The stylist's working time as UTC spans, from SEARCH_DAYS before now to as many after
    (their hours lie within the opening hours, none past midnight), less their time off."""
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    off_start, off_end = time_off_span(key, now)
    spans = []
    for shift in range(-SEARCH_DAYS, SEARCH_DAYS + 1):
        day = today + timedelta(days=shift)
        for interval in HOURS[key].days.get(Weekday(day.isoweekday()), ()):
            start = datetime.combine(day, interval.start, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day, interval.end, tzinfo=zone).astimezone(UTC)
            if end <= off_start or start >= off_end:
                spans.append((start, end))
    return spans


def _floor(moment: datetime, grid: int) -> datetime:
    minutes = (moment.minute // grid) * grid
    return moment.replace(minute=minutes, second=0, microsecond=0)


def _ceil(moment: datetime, grid: int) -> datetime:
    floored = _floor(moment, grid)
    return floored if floored == moment else floored + timedelta(minutes=grid)


def place_before(
    spans: list[tuple[datetime, datetime]], *, latest_end: datetime, length: timedelta, grid: int
) -> datetime:
    """The latest start on the grid whose [start, start + length) lies in a span and ends by
    `latest_end`."""
    for span_start, span_end in reversed(spans):
        start = _floor(min(latest_end, span_end) - length, grid)
        if start >= span_start:
            return start
    raise RuntimeError("no working time for a demo booking")


def place_after(
    spans: list[tuple[datetime, datetime]], *, earliest: datetime, length: timedelta, grid: int
) -> datetime:
    """The earliest start on the grid at or after `earliest` whose [start, start + length)
    lies in a span."""
    for span_start, span_end in spans:
        start = _ceil(max(earliest, span_start), grid)
        if start + length <= span_end:
            return start
    raise RuntimeError("no working time for a demo booking")
