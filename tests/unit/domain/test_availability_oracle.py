"""The slot computation against a brute-force oracle on random schedules: the oracle marks
every UTC minute of the window as open or not (opening hours, the stylist's hours, time off,
closures, bookings), then tries every minute as a start. It shares no span arithmetic with
salonbook.domain.availability, only zoneinfo's reading of a wall-clock time (fold=0)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from salonbook.domain.availability import working_time
from salonbook.domain.errors import Refusal, ValidationFailed
from salonbook.domain.model import Windows
from salonbook.domain.schedules import (
    SLOT_MINUTES_CHOICES,
    Absence,
    LocalInterval,
    SalonSettings,
    Weekday,
    WeeklyHours,
    check_weekly_hours,
)
from tests.unit.domain.availability_cases import starts

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Australia/Lord_Howe",  # its summer time is half an hour: the minute of the hour moves
    "Asia/Kathmandu",  # +05:45
]
# Days around this year's changes in those zones, and an ordinary one.
DAYS = [
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 4, 5),
    date(2026, 9, 27),
    date(2026, 6, 10),
    date(2026, 10, 4),
]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute_of(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def random_week(rng: random.Random) -> WeeklyHours:
    while True:
        days: dict[Weekday, tuple[LocalInterval, ...]] = {}
        for weekday in Weekday:
            intervals = []
            for _ in range(rng.choice([0, 1, 1, 2])):
                start = rng.randrange(0, 24 * 12) * 5
                length = rng.randrange(1, 14 * 12) * 5
                end = (start + length) % (24 * 60)
                intervals.append(
                    LocalInterval(time(start // 60, start % 60), time(end // 60, end % 60))
                )
            if intervals:
                days[weekday] = tuple(intervals)
        try:
            return check_weekly_hours(WeeklyHours(days=days), field="hours")
        except ValidationFailed:
            continue


@dataclass
class Case:
    settings: SalonSettings
    hours: WeeklyHours | None
    outside: bool
    time_off: list[Absence]
    closures: list[Absence]
    busy: list[tuple[datetime, datetime]]
    duration: int
    buffer: int
    start: datetime
    end: datetime
    now: datetime


def random_case(seed: int) -> Case:
    rng = random.Random(seed)
    zone = rng.choice(ZONES)
    base = datetime.combine(rng.choice(DAYS), time(), tzinfo=UTC) - timedelta(days=1)
    start = base + timedelta(minutes=rng.randrange(0, 24 * 60))
    end = start + timedelta(minutes=rng.randrange(60, 3 * 24 * 60))

    def spans(count: int, longest: int) -> list[tuple[datetime, datetime]]:
        out = []
        for _ in range(count):
            at = start + timedelta(minutes=rng.randrange(-600, minute_of(end) - minute_of(start)))
            out.append((at, at + timedelta(minutes=rng.randrange(5, longest))))
        return out

    return Case(
        settings=SalonSettings(
            time_zone=zone,
            slot_minutes=rng.choice(SLOT_MINUTES_CHOICES),
            opening_hours=rng.choice([None, random_week(rng)]),
        ),
        hours=rng.choice([None, random_week(rng)]),
        outside=rng.random() < 0.3,
        time_off=[Absence(a, b) for a, b in spans(rng.randrange(0, 3), 600)],
        closures=[Absence(a, b) for a, b in spans(rng.randrange(0, 2), 900)],
        busy=spans(rng.randrange(0, 6), 200),
        duration=rng.choice([5, 15, 30, 45, 60, 90, 125]),
        buffer=rng.choice([0, 0, 5, 10, 15, 30]),
        start=start,
        end=end,
        now=start + timedelta(minutes=rng.choice([-60, 0, 7, 200])),
    )


def weekly_minutes(hours: WeeklyHours, zone: ZoneInfo, first: date, last: date) -> set[int]:
    minutes: set[int] = set()
    day = first
    while day <= last:
        for interval in hours.days.get(Weekday(day.isoweekday()), ()):
            wall = datetime.combine(day, interval.start)
            begin = wall.replace(tzinfo=zone, fold=0).timestamp() // 60
            finish = (
                (wall + timedelta(minutes=interval.minutes)).replace(tzinfo=zone, fold=0)
            ).timestamp() // 60
            minutes.update(range(int(begin), int(finish)))
        day += timedelta(days=1)
    return minutes


def oracle(case: Case, windows: Windows) -> tuple[list[datetime], dict[str, set[int]]]:
    zone = case.settings.zone
    lo, hi = minute_of(case.start) - 3 * 1440, minute_of(case.end) + 3 * 1440
    everything = set(range(lo, hi))
    first = (case.start - timedelta(days=3)).date()
    last = (case.end + timedelta(days=3)).date()
    opening = (
        everything
        if case.settings.opening_hours is None
        else weekly_minutes(case.settings.opening_hours, zone, first, last)
    )
    own = opening if case.hours is None else weekly_minutes(case.hours, zone, first, last)
    hours = own if case.outside else own & opening

    def covered(spans: list[tuple[datetime, datetime]]) -> set[int]:
        return {m for a, b in spans for m in range(minute_of(a), minute_of(b))}

    closed = covered([(a.start, a.end) for a in case.closures])
    away = covered([(a.start, a.end) for a in case.time_off])
    free = hours - closed - away
    booked = covered(case.busy)
    span = case.duration + case.buffer
    result = []
    for m in range(minute_of(case.start), minute_of(case.end) + 1):
        moment = EPOCH + timedelta(minutes=m)
        if not case.start <= moment < case.end or moment <= case.now:
            continue
        if moment.astimezone(zone).minute % case.settings.slot_minutes:
            continue
        if moment.minute % windows.start_grid_minutes:
            continue
        if all(x in free and x not in booked for x in range(m, m + span)):
            result.append(moment)
    bound = opening if not case.outside else everything
    return result, {"bound": bound, "closed": closed, "away": away, "hours": hours, "free": free}


def oracle_refusal(sets: dict[str, set[int]], start: int, end: int, until: int) -> Refusal | None:
    minutes = range(start, end)
    if any(m in sets["closed"] or m not in sets["bound"] for m in minutes):
        return Refusal.CLOSED
    if any(m in sets["away"] for m in minutes):
        return Refusal.TIME_OFF
    if any(m not in sets["hours"] for m in minutes):
        return Refusal.NOT_WORKING
    if any(m not in sets["free"] for m in range(start, until)):
        return Refusal.BUFFER
    return None


WINDOWS = Windows(booking_horizon=timedelta(days=365 * 100))


@pytest.mark.parametrize("seed", range(160))
def test_free_starts_match_the_oracle(seed: int) -> None:
    case = random_case(seed)
    expected, _ = oracle(case, WINDOWS)
    got = starts(
        settings=case.settings,
        hours=case.hours,
        outside=case.outside,
        time_off=case.time_off,
        closures=case.closures,
        busy=case.busy,
        duration=case.duration,
        buffer=case.buffer,
        start=case.start,
        end=case.end,
        now=case.now,
        windows=WINDOWS,
    )
    assert [slot.start for slot in got] == expected
    assert all(slot.local == slot.start.astimezone(case.settings.zone) for slot in got)


@pytest.mark.parametrize("seed", range(160))
def test_refusals_match_the_oracle(seed: int) -> None:
    case = random_case(seed)
    _, sets = oracle(case, WINDOWS)
    rng = random.Random(-seed)
    working = working_time(
        settings=case.settings,
        hours=case.hours,
        outside_opening_hours=case.outside,
        time_off=case.time_off,
        closures=case.closures,
        start=case.start,
        end=case.end + timedelta(minutes=case.duration + case.buffer),
    )
    for _ in range(60):
        start = minute_of(case.start) + rng.randrange(
            0, minute_of(case.end) - minute_of(case.start)
        )
        end, until = start + case.duration, start + case.duration + case.buffer
        expected = oracle_refusal(sets, start, end, until)
        moments = (EPOCH + timedelta(minutes=m) for m in (start, end, until))
        assert working.refusal(*moments) is expected, (start, end, until)
