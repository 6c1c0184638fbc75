"""Reading working time: the salon's settings, stylists' weekly hours, time off, closures, and
the spans bookings hold. The reads availability makes on every call run on the driver
(engine.driver_of) as plain SQL; weekly hours travel as jsonb text, parsed here once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.engine import driver_of
from salonbook.db.tables import Columns
from salonbook.domain.schedules import (
    Absence,
    Busy,
    SalonSettings,
    StylistHours,
    WeeklyHours,
    weekly_hours_from_json,
)


@dataclass(frozen=True, slots=True)
class StoredSalonSettings:
    settings: SalonSettings
    version: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredStylistHours:
    """A stylist's hours as stored; `version` 0 when none were ever set (no row)."""

    stylist_id: UUID
    hours: StylistHours
    version: int


@dataclass(frozen=True, slots=True)
class TimeOffRecord:
    id: UUID
    stylist_id: UUID
    start: datetime
    end: datetime
    reason: str
    created_by: UUID
    created_at: datetime
    removed_at: datetime | None

    @property
    def absence(self) -> Absence:
        return Absence(start=self.start, end=self.end)


@dataclass(frozen=True, slots=True)
class ClosureRecord:
    id: UUID
    start: datetime
    end: datetime
    reason: str
    created_by: UUID
    created_at: datetime
    removed_at: datetime | None

    @property
    def absence(self) -> Absence:
        return Absence(start=self.start, end=self.end)


def _hours(text: str | None) -> WeeklyHours | None:
    return None if text is None else weekly_hours_from_json(json.loads(text))


def _stored_settings(row: Columns) -> StoredSalonSettings:
    return StoredSalonSettings(
        settings=SalonSettings(
            time_zone=row["time_zone"],
            slot_minutes=row["slot_minutes"],
            opening_hours=_hours(row["opening_hours"]),
        ),
        version=row["version"],
        updated_at=row["updated_at"],
    )


_SETTINGS = (
    "SELECT time_zone, slot_minutes, opening_hours::text AS opening_hours, version, updated_at"
    " FROM salon_settings WHERE id = 1"
)


async def stored_salon_settings(
    connection: AsyncConnection, *, for_update: bool = False
) -> StoredSalonSettings:
    """The one settings row (migration 0008 inserts it), locked when `for_update`."""
    statement = _SETTINGS + (" FOR UPDATE" if for_update else "")
    return _stored_settings(await driver_of(connection).fetchrow(statement))


async def salon_settings(connection: AsyncConnection) -> SalonSettings:
    """The salon's zone, grid and opening hours (None: always open)."""
    return (await stored_salon_settings(connection)).settings


_SCHEDULES = (
    "SELECT stylist_id, working_hours::text AS working_hours, outside_opening_hours, version"
    " FROM stylist_schedules WHERE stylist_id = ANY($1::uuid[])"
)


async def stored_stylist_hours(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID], for_update: bool = False
) -> dict[UUID, StoredStylistHours]:
    """Every asked stylist's hours: those never set come back as not set, at version 0."""
    statement = _SCHEDULES + (" FOR UPDATE" if for_update else "")
    rows = await driver_of(connection).fetch(statement, list(stylist_ids))
    found = {
        row["stylist_id"]: StoredStylistHours(
            stylist_id=row["stylist_id"],
            hours=StylistHours(
                working_hours=_hours(row["working_hours"]),
                outside_opening_hours=row["outside_opening_hours"],
            ),
            version=row["version"],
        )
        for row in rows
    }
    return {
        stylist_id: found.get(stylist_id)
        or StoredStylistHours(stylist_id=stylist_id, hours=StylistHours(), version=0)
        for stylist_id in stylist_ids
    }


async def stylist_hours(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID]
) -> dict[UUID, StylistHours]:
    """Each stylist's weekly hours and outside-opening-hours flag (not set when never set)."""
    stored = await stored_stylist_hours(connection, stylist_ids=stylist_ids)
    return {stylist_id: entry.hours for stylist_id, entry in stored.items()}


_ABSENCE_COLUMNS = "id, start_time, end_time, reason, created_by, created_at, removed_at"
_TIME_OFF = f"""
    SELECT stylist_id, {_ABSENCE_COLUMNS} FROM time_off
    WHERE stylist_id = ANY($1::uuid[]) AND removed_at IS NULL
      AND tstzrange(start_time, end_time) && tstzrange($2, $3)
    ORDER BY stylist_id, start_time
"""
_CLOSURES = f"""
    SELECT {_ABSENCE_COLUMNS} FROM closures
    WHERE removed_at IS NULL AND tstzrange(start_time, end_time) && tstzrange($1, $2)
    ORDER BY start_time
"""


def time_off_record(row: Columns) -> TimeOffRecord:
    return TimeOffRecord(
        id=row["id"],
        stylist_id=row["stylist_id"],
        start=row["start_time"],
        end=row["end_time"],
        reason=row["reason"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        removed_at=row["removed_at"],
    )


def closure_record(row: Columns) -> ClosureRecord:
    return ClosureRecord(
        id=row["id"],
        start=row["start_time"],
        end=row["end_time"],
        reason=row["reason"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        removed_at=row["removed_at"],
    )


async def time_off_records(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID], start: datetime, end: datetime
) -> dict[UUID, list[TimeOffRecord]]:
    """The live (not removed) time off of each stylist overlapping [start, end), by start."""
    rows = await driver_of(connection).fetch(_TIME_OFF, list(stylist_ids), start, end)
    found: dict[UUID, list[TimeOffRecord]] = {stylist_id: [] for stylist_id in stylist_ids}
    for row in rows:
        found[row["stylist_id"]].append(time_off_record(row))
    return found


async def time_off(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID], start: datetime, end: datetime
) -> dict[UUID, list[Absence]]:
    """`time_off_records` as plain absences, for availability."""
    records = await time_off_records(connection, stylist_ids=stylist_ids, start=start, end=end)
    return {
        stylist_id: [record.absence for record in entries]
        for stylist_id, entries in records.items()
    }


async def closure_records(
    connection: AsyncConnection, *, start: datetime, end: datetime
) -> list[ClosureRecord]:
    """The live closures overlapping [start, end), by start."""
    return [closure_record(row) for row in await driver_of(connection).fetch(_CLOSURES, start, end)]


async def closures(connection: AsyncConnection, *, start: datetime, end: datetime) -> list[Absence]:
    return [record.absence for record in await closure_records(connection, start=start, end=end)]


# The bookings the overlap constraint counts (bookings_no_overlap's WHERE), through its index.
_BUSY = """
    SELECT stylist_id, start_time, busy_until FROM bookings
    WHERE stylist_id = ANY($1::uuid[])
      AND tstzrange(start_time, busy_until) && tstzrange($2, $3)
      AND status NOT IN ('CANCELLED', 'NO_SHOW') AND deleted_at IS NULL
    ORDER BY stylist_id, start_time
"""


async def busy(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID], start: datetime, end: datetime
) -> dict[UUID, list[Busy]]:
    """The spans [start, busy_until) that bookings hold overlapping [start, end), per stylist
    (every asked stylist has a list), by start."""
    rows: list[Any] = await driver_of(connection).fetch(_BUSY, list(stylist_ids), start, end)
    found: dict[UUID, list[Busy]] = {stylist_id: [] for stylist_id in stylist_ids}
    for row in rows:
        found[row["stylist_id"]].append(Busy(start=row["start_time"], end=row["busy_until"]))
    return found


async def time_off_by_id(connection: AsyncConnection, *, id: UUID) -> TimeOffRecord | None:
    """One time off, removed or not."""
    row = await driver_of(connection).fetchrow(
        f"SELECT stylist_id, {_ABSENCE_COLUMNS} FROM time_off WHERE id = $1", id
    )
    return time_off_record(row) if row else None
