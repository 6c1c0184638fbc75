"""Shorthands for the availability tests: weekly hours from strings, and the free starts of a
window with everything else left at its default."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salonbook.domain.availability import Slot, Span, free_starts, working_time
from salonbook.domain.model import Windows
from salonbook.domain.schedules import Absence, LocalInterval, SalonSettings, Weekday, WeeklyHours

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def week(**days: str) -> WeeklyHours:
    """week(FRIDAY="22:00-02:00", SATURDAY="09:00-12:00 13:00-17:00")."""
    return WeeklyHours(
        days={
            Weekday[name]: tuple(
                LocalInterval(
                    time.fromisoformat(part.split("-")[0]), time.fromisoformat(part.split("-")[1])
                )
                for part in spec.split()
            )
            for name, spec in days.items()
        }
    )


def local(zone: str, text: str) -> datetime:
    """A wall-clock time in `zone` as an aware datetime (fold=0)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def starts(
    *,
    start: datetime,
    end: datetime,
    duration: int = 60,
    buffer: int = 0,
    settings: SalonSettings | None = None,
    hours: WeeklyHours | None = None,
    outside: bool = False,
    time_off: Sequence[Absence] = (),
    closures: Sequence[Absence] = (),
    busy: Sequence[Span] = (),
    now: datetime = LONG_AGO,
    windows: Windows | None = None,
) -> list[Slot]:
    settings = settings or SalonSettings()
    windows = windows or Windows(booking_horizon=timedelta(days=365 * 100))
    span_end = end + timedelta(minutes=duration + buffer)
    working = working_time(
        settings=settings,
        hours=hours,
        outside_opening_hours=outside,
        time_off=time_off,
        closures=closures,
        start=start,
        end=span_end,
    )
    return free_starts(
        working=working,
        busy=busy,
        settings=settings,
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=buffer),
        start=start,
        end=end,
        now=now,
        windows=windows,
    )


def shown(slots: Sequence[Slot]) -> list[str]:
    """Each slot as its local ISO text (with the offset) — what the API shows beside it."""
    return [slot.local.isoformat() for slot in slots]
