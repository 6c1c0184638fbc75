"""When a stylist can be booked: the free start times of a window, and why one booking's time
is refused. One home for the rule: createBooking and rescheduleBooking ask `WorkingTime.refusal`
and the availability query lists only starts that the same object accepts.

Weekly hours are wall clock in the salon's zone and become instants with zoneinfo: a time in
the skipped spring hour is read with fold=0 (the offset before the change, so it lands after the
gap), a time in the repeated autumn hour is its first occurrence. Working time is then real
elapsed time, and slots are UTC instants whose LOCAL minute is on the salon's grid, so the
skipped hour has none and the repeated hour lists each instant once."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from salonbook.domain.errors import Refusal
from salonbook.domain.model import Windows
from salonbook.domain.schedules import DAY, Absence, SalonSettings, Weekday, WeeklyHours
from salonbook.domain.start_times import start_fault

Span = tuple[datetime, datetime]
"""[start, end) in UTC."""

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    """UTC."""
    local: datetime
    """The same instant in the salon's zone (its date and offset are shown beside it)."""


def _utc(spans: Iterable[Span]) -> list[Span]:
    """Spans in UTC: aware datetimes sharing a zone compare and add as wall clock, not time."""
    return [(start.astimezone(UTC), end.astimezone(UTC)) for start, end in spans]


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, overlapping or touching spans joined (Fri 22-24 and Sat 00-02 are one)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _intersect(left: list[Span], right: list[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            out.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` minus merged `holes`; both sorted."""
    out: list[Span] = []
    j = 0
    for start, end in spans:
        while j < len(holes) and holes[j][1] <= start:
            j += 1
        k = j
        cursor = start
        while k < len(holes) and holes[k][0] < end:
            if holes[k][0] > cursor:
                out.append((cursor, holes[k][0]))
            cursor = max(cursor, holes[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def _contains(spans: list[Span], start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside one of the merged `spans`."""
    index = bisect.bisect_right(spans, (start, datetime.max.replace(tzinfo=UTC))) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def _overlaps(spans: list[Span], start: datetime, end: datetime) -> bool:
    """Whether [start, end) overlaps one of the merged `spans`."""
    index = bisect.bisect_left(spans, (end, end))
    return index > 0 and spans[index - 1][1] > start


def _instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Wall clock `minutes` after midnight of `day` (may pass into the next days), fold=0."""
    wall = datetime.combine(day + timedelta(days=minutes // 1440), datetime.min.time())
    wall = wall.replace(hour=minutes % 1440 // 60, minute=minutes % 60, tzinfo=zone, fold=0)
    return wall.astimezone(UTC)


def weekly_spans(hours: WeeklyHours, zone: ZoneInfo, *, first: date, last: date) -> list[Span]:
    """The weekly hours as merged instants, for intervals starting on local days first..last."""
    spans: list[Span] = []
    day = first
    while day <= last:
        for interval in hours.days.get(Weekday(day.isoweekday()), ()):
            start = interval.start.hour * 60 + interval.start.minute
            spans.append(
                (_instant(day, start, zone), _instant(day, start + interval.minutes, zone))
            )
        day += DAY
    return _merge(spans)


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """A stylist's working time around a window, as merged UTC spans."""

    opening: list[Span] | None
    """None: the stylist is not bound by opening hours, or none are set."""
    hours: list[Span]
    """The stylist's effective hours (their own ∩ opening, or their own alone)."""
    closures: list[Span]
    time_off: list[Span]
    free: list[Span]
    """`hours` minus time off and closures: where a busy span must lie whole."""

    def refusal(self, start: datetime, end: datetime, busy_until: datetime) -> Refusal | None:
        """Why [start, end) with its buffer up to `busy_until` is outside availability."""
        start, end, busy_until = (moment.astimezone(UTC) for moment in (start, end, busy_until))
        if _overlaps(self.closures, start, end) or (
            self.opening is not None and not _contains(self.opening, start, end)
        ):
            return Refusal.CLOSED
        if _overlaps(self.time_off, start, end):
            return Refusal.TIME_OFF
        if not _contains(self.hours, start, end):
            return Refusal.NOT_WORKING
        if not _contains(self.free, start, busy_until):
            return Refusal.BUFFER
        return None


class Weeks:
    """Weekly hours as instants around one window, each distinct WeeklyHours expanded once:
    every stylist of a request shares the opening hours, and stylists often share hours."""

    def __init__(self, settings: SalonSettings, *, start: datetime, end: datetime) -> None:
        self.zone = settings.zone
        # an interval starts at most a day before the instant it covers (00:00-00:00 is 24 h)
        self.first = start.astimezone(self.zone).date() - DAY
        self.last = end.astimezone(self.zone).date()
        self.always: list[Span] = [
            (_instant(self.first, 0, self.zone), _instant(self.last + 2 * DAY, 0, self.zone))
        ]
        self._expanded: dict[int, tuple[WeeklyHours, list[Span]]] = {}
        self._effective: dict[tuple[int, bool], tuple[WeeklyHours | None, list[Span]]] = {}

    def spans(self, hours: WeeklyHours) -> list[Span]:
        found = self._expanded.get(id(hours))
        if found is None or found[0] is not hours:
            found = (hours, weekly_spans(hours, self.zone, first=self.first, last=self.last))
            self._expanded[id(hours)] = found  # the hours kept with it: their id stays theirs
        return found[1]

    def effective(
        self, settings: SalonSettings, hours: WeeklyHours | None, *, outside: bool
    ) -> list[Span]:
        """The stylist's hours (the opening hours when not set, always when neither is) within
        the opening hours unless `outside`; once per distinct hours and flag."""
        key = (id(hours), outside)
        found = self._effective.get(key)
        if found is None or found[0] is not hours:
            opening = None if settings.opening_hours is None else self.spans(settings.opening_hours)
            own = opening if hours is None else self.spans(hours)
            spans = self.always if own is None else own
            if opening is not None and not outside:
                spans = _intersect(spans, opening)
            found = self._effective[key] = (hours, spans)
        return found[1]


def working_time(
    *,
    settings: SalonSettings,
    hours: WeeklyHours | None,
    outside_opening_hours: bool,
    time_off: Sequence[Absence],
    closures: Sequence[Absence],
    start: datetime,
    end: datetime,
    weeks: Weeks | None = None,
) -> WorkingTime:
    """Working time for every instant of [start, end) (what lies outside may be cut off);
    `weeks` (made for the same settings and a window covering this one) shares expansions."""
    weeks = weeks or Weeks(settings, start=start, end=end)
    opening = None if settings.opening_hours is None else weeks.spans(settings.opening_hours)
    effective = weeks.effective(settings, hours, outside=outside_opening_hours)
    bound = None if outside_opening_hours else opening
    closed = _merge(_utc((absence.start, absence.end) for absence in closures))
    away = _merge(_utc((absence.start, absence.end) for absence in time_off))
    free = _subtract(_subtract(effective, closed), away)
    return WorkingTime(opening=bound, hours=effective, closures=closed, time_off=away, free=free)


def free_starts(
    *,
    working: WorkingTime,
    busy: Iterable[Span],
    settings: SalonSettings,
    duration: timedelta,
    buffer: timedelta,
    start: datetime,
    end: datetime,
    now: datetime,
    windows: Windows,
) -> list[Slot]:
    """Every start t in [start, end) on the salon's local grid whose busy span [t, t + duration
    + buffer) lies whole in free working time, overlaps no busy span (bookings holding their
    slot, with their buffers) and that createBooking's start rule accepts."""
    start, end, now = start.astimezone(UTC), end.astimezone(UTC), now.astimezone(UTC)
    zone, grid = settings.zone, settings.slot_minutes
    step = timedelta(minutes=grid)
    span = duration + buffer
    open_stretches = _subtract(working.free, _merge(_utc(busy)))
    slots: list[Slot] = []
    for stretch_start, stretch_end in open_stretches:
        moment = max(stretch_start, start, now)
        if moment.second or moment.microsecond:
            moment = moment.replace(second=0, microsecond=0) + MINUTE
        last = stretch_end - span
        while moment <= last and moment < end:
            local = moment.astimezone(zone)
            miss = local.minute % grid
            if miss or local.second:
                moment = _next_on_grid(moment, local, grid - miss, zone)
                continue
            if start_fault(moment, now=now, windows=windows) is None:
                slots.append(Slot(start=moment, local=local))
            elif moment > now + windows.booking_horizon:
                return slots
            moment += step
    return slots


def _next_on_grid(moment: datetime, local: datetime, minutes: int, zone: ZoneInfo) -> datetime:
    """Where to look for the grid next: `minutes` on when the offset is the same there (no
    change in between, so no grid time is skipped), else the next minute."""
    jump = moment + timedelta(minutes=minutes)
    if not local.second and jump.astimezone(zone).utcoffset() == local.utcoffset():
        return jump
    return moment + MINUTE
