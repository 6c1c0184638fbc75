"""Everything availability needs, for one stylist or all of them, in one statement: the salon's
settings, the service, the closures, and per stylist their hours, time off and the spans their
bookings hold. One statement is one snapshot, so the parts agree with each other, and one round
trip whatever the number of stylists. Enforcement reads one stylist's working time the same way
(`stylist_working_time`), after the locks that keep it current until the booking commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.engine import driver_of
from salonbook.domain.availability import Span
from salonbook.domain.roles import Role
from salonbook.domain.schedules import (
    Absence,
    SalonSettings,
    StylistHours,
    WeeklyHours,
    weekly_hours_from_json,
)

_HOLDING = "b.status NOT IN ('CANCELLED', 'NO_SHOW') AND b.deleted_at IS NULL"
"""The bookings that hold their slot: the overlap constraint's WHERE (its index serves it)."""


@lru_cache(maxsize=1024)
def _hours(text: str | None) -> WeeklyHours | None:
    """Weekly hours from their jsonb text, parsed once per distinct text (they rarely change)."""
    return None if text is None else weekly_hours_from_json(json.loads(text))


def _spans(starts: Sequence[datetime] | None, ends: Sequence[datetime] | None) -> list[Span]:
    return list(zip(starts or (), ends or (), strict=True))


def _absences(starts: Sequence[datetime] | None, ends: Sequence[datetime] | None) -> list[Absence]:
    return [Absence(start=start, end=end) for start, end in _spans(starts, ends)]


def _settings(row: Any) -> SalonSettings:
    return SalonSettings(
        time_zone=row["time_zone"],
        slot_minutes=row["slot_minutes"],
        opening_hours=_hours(row["opening_hours"]),
    )


@dataclass(frozen=True, slots=True)
class ServiceTerms:
    duration: timedelta
    buffer: timedelta
    active: bool


@dataclass(frozen=True, slots=True)
class StylistTime:
    stylist_id: UUID
    hours: StylistHours
    time_off: list[Absence]
    busy: list[Span]


@dataclass(frozen=True, slots=True)
class AvailabilityFacts:
    settings: SalonSettings
    service: ServiceTerms | None
    """None: no such service."""
    closures: list[Absence]
    stylists: list[StylistTime]
    """As Query.stylists orders them (display name, then id)."""


def _window_end(alias: str) -> str:
    """The read window's end: `to` plus the service's length and buffer (a start just before
    `to` holds the stylist that much longer)."""
    return (
        f"$4::timestamptz + make_interval(mins => coalesce({alias}.duration_minutes, 0)"
        f" + coalesce({alias}.buffer_minutes, 0))"
    )


_WINDOW = f"tstzrange($3::timestamptz, {_window_end('head')})"
_AVAILABILITY = f"""
WITH head AS (
    SELECT s.time_zone, s.slot_minutes, s.opening_hours::text AS opening_hours,
           v.id AS service_id, v.duration_minutes, v.buffer_minutes, v.active
    FROM salon_settings s LEFT JOIN services v ON v.id = $1
    WHERE s.id = 1
), chosen AS (
    SELECT p.id, p.display_name FROM people p
    WHERE p.role = '{Role.STYLIST.value}' AND p.erased_at IS NULL
      AND ($2::uuid IS NULL OR p.id = $2::uuid)
    ORDER BY p.display_name, p.id
    LIMIT $5
)
SELECT head.*, c.closure_starts, c.closure_ends,
       chosen.id AS stylist_id, ss.working_hours::text AS working_hours,
       coalesce(ss.outside_opening_hours, false) AS outside_opening_hours,
       t.off_starts, t.off_ends, k.busy_starts, k.busy_ends
FROM head
CROSS JOIN LATERAL (
    SELECT array_agg(x.start_time ORDER BY x.start_time) AS closure_starts,
           array_agg(x.end_time ORDER BY x.start_time) AS closure_ends
    FROM closures x
    WHERE x.removed_at IS NULL
      AND tstzrange(x.start_time, x.end_time) && {_WINDOW}
) c
LEFT JOIN chosen ON true
LEFT JOIN stylist_schedules ss ON ss.stylist_id = chosen.id
LEFT JOIN LATERAL (
    SELECT array_agg(o.start_time ORDER BY o.start_time) AS off_starts,
           array_agg(o.end_time ORDER BY o.start_time) AS off_ends
    FROM time_off o
    WHERE o.stylist_id = chosen.id AND o.removed_at IS NULL
      AND tstzrange(o.start_time, o.end_time) && {_WINDOW}
) t ON chosen.id IS NOT NULL
LEFT JOIN LATERAL (
    SELECT array_agg(b.start_time ORDER BY b.start_time) AS busy_starts,
           array_agg(b.busy_until ORDER BY b.start_time) AS busy_ends
    FROM bookings b
    WHERE b.stylist_id = chosen.id AND {_HOLDING}
      AND tstzrange(b.start_time, b.busy_until) && {_WINDOW}
) k ON chosen.id IS NOT NULL
ORDER BY chosen.display_name, chosen.id
"""


async def availability_facts(
    connection: AsyncConnection,
    *,
    service_id: UUID,
    stylist_id: UUID | None,
    start: datetime,
    end: datetime,
    limit: int,
) -> AvailabilityFacts:
    """The facts for starts in [start, end): the stylist (or the first `limit` stylists)."""
    rows = await driver_of(connection).fetch(
        _AVAILABILITY, service_id, stylist_id, start, end, limit
    )
    head = rows[0]  # the settings row always exists (migration 0008 inserts it)
    service = (
        None
        if head["service_id"] is None
        else ServiceTerms(
            duration=timedelta(minutes=head["duration_minutes"]),
            buffer=timedelta(minutes=head["buffer_minutes"]),
            active=head["active"],
        )
    )
    return AvailabilityFacts(
        settings=_settings(head),
        service=service,
        closures=_absences(head["closure_starts"], head["closure_ends"]),
        stylists=[
            StylistTime(
                stylist_id=row["stylist_id"],
                hours=StylistHours(
                    working_hours=_hours(row["working_hours"]),
                    outside_opening_hours=row["outside_opening_hours"],
                ),
                time_off=_absences(row["off_starts"], row["off_ends"]),
                busy=_spans(row["busy_starts"], row["busy_ends"]),
            )
            for row in rows
            if row["stylist_id"] is not None
        ],
    )


_WORKING_TIME = """
SELECT s.time_zone, s.slot_minutes, s.opening_hours::text AS opening_hours,
       ss.working_hours::text AS working_hours,
       coalesce(ss.outside_opening_hours, false) AS outside_opening_hours,
       (SELECT array_agg(x.start_time ORDER BY x.start_time) FROM closures x
        WHERE x.removed_at IS NULL
          AND tstzrange(x.start_time, x.end_time) && tstzrange($2, $3)) AS closure_starts,
       (SELECT array_agg(x.end_time ORDER BY x.start_time) FROM closures x
        WHERE x.removed_at IS NULL
          AND tstzrange(x.start_time, x.end_time) && tstzrange($2, $3)) AS closure_ends,
       (SELECT array_agg(o.start_time ORDER BY o.start_time) FROM time_off o
        WHERE o.stylist_id = $1 AND o.removed_at IS NULL
          AND tstzrange(o.start_time, o.end_time) && tstzrange($2, $3)) AS off_starts,
       (SELECT array_agg(o.end_time ORDER BY o.start_time) FROM time_off o
        WHERE o.stylist_id = $1 AND o.removed_at IS NULL
          AND tstzrange(o.start_time, o.end_time) && tstzrange($2, $3)) AS off_ends
FROM salon_settings s LEFT JOIN stylist_schedules ss ON ss.stylist_id = $1
WHERE s.id = 1
"""


@dataclass(frozen=True, slots=True)
class WorkingTimeFacts:
    settings: SalonSettings
    hours: StylistHours
    time_off: list[Absence]
    closures: list[Absence]


async def stylist_working_time(
    connection: AsyncConnection, *, stylist_id: UUID, start: datetime, end: datetime
) -> WorkingTimeFacts:
    """The salon's settings and the stylist's hours, time off and closures around [start, end)."""
    row = await driver_of(connection).fetchrow(_WORKING_TIME, stylist_id, start, end)
    return WorkingTimeFacts(
        settings=_settings(row),
        hours=StylistHours(
            working_hours=_hours(row["working_hours"]),
            outside_opening_hours=row["outside_opening_hours"],
        ),
        time_off=_absences(row["off_starts"], row["off_ends"]),
        closures=_absences(row["closure_starts"], row["closure_ends"]),
    )


async def own_buffer(connection: AsyncConnection, *, booking_id: UUID) -> timedelta:
    """The buffer a booking was made with (busy_until - end_time): a move keeps it."""
    found: timedelta = await driver_of(connection).fetchval(
        "SELECT busy_until - end_time FROM bookings WHERE id = $1", booking_id
    )
    return found
