"""Writing working time: the salon's settings, a stylist's hours, time off and closures (their
audit row and event: salonbook/db/schedule_audit.py), in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.engine import driver_of
from salonbook.db.schedules import ClosureRecord, TimeOffRecord, closure_record, time_off_record
from salonbook.db.tables import (
    closures,
    salon_settings,
    stylist_schedules,
    time_off,
)
from salonbook.domain.model import Actor
from salonbook.domain.schedules import (
    Absence,
    SalonSettings,
    StylistHours,
    weekly_hours_to_json,
)


async def save_settings(
    connection: AsyncConnection, *, settings: SalonSettings, now: datetime
) -> int:
    """Replace the salon's settings; returns the new version."""
    hours = settings.opening_hours
    statement = (
        salon_settings.update()
        .where(salon_settings.c.id == 1)
        .values(
            time_zone=settings.time_zone,
            slot_minutes=settings.slot_minutes,
            opening_hours=None if hours is None else weekly_hours_to_json(hours),
            version=salon_settings.c.version + 1,
            updated_at=now,
        )
        .returning(salon_settings.c.version)
    )
    return int((await connection.execute(statement)).scalar_one())


async def save_stylist_hours(
    connection: AsyncConnection, *, stylist_id: UUID, hours: StylistHours, now: datetime
) -> int:
    """Replace a stylist's hours (the first time, add them); returns the new version."""
    working = hours.working_hours
    values = {
        "working_hours": None if working is None else weekly_hours_to_json(working),
        "outside_opening_hours": hours.outside_opening_hours,
        "updated_at": now,
    }
    statement = (
        insert(stylist_schedules)
        .values(stylist_id=stylist_id, version=1, **values)
        .on_conflict_do_update(
            index_elements=[stylist_schedules.c.stylist_id],
            set_={**values, "version": stylist_schedules.c.version + 1},
        )
        .returning(stylist_schedules.c.version)
    )
    return int((await connection.execute(statement)).scalar_one())


async def add_time_off(
    connection: AsyncConnection,
    *,
    id: UUID,
    stylist_id: UUID,
    absence: Absence,
    reason: str,
    actor: Actor,
    now: datetime,
) -> TimeOffRecord:
    statement = (
        time_off.insert()
        .values(
            id=id,
            stylist_id=stylist_id,
            start_time=absence.start,
            end_time=absence.end,
            reason=reason,
            created_by=actor.person_id,
            created_at=now,
        )
        .returning(*time_off.c)
    )
    return time_off_record((await connection.execute(statement)).one()._mapping)


async def add_closure(
    connection: AsyncConnection,
    *,
    id: UUID,
    absence: Absence,
    reason: str,
    actor: Actor,
    now: datetime,
) -> ClosureRecord:
    statement = (
        closures.insert()
        .values(
            id=id,
            start_time=absence.start,
            end_time=absence.end,
            reason=reason,
            created_by=actor.person_id,
            created_at=now,
        )
        .returning(*closures.c)
    )
    return closure_record((await connection.execute(statement)).one()._mapping)


async def lock_time_off(connection: AsyncConnection, *, id: UUID) -> TimeOffRecord | None:
    """A live time off, locked (None when unknown or already removed)."""
    query = (
        select(time_off)
        .where(time_off.c.id == id, time_off.c.removed_at.is_(None))
        .with_for_update()
    )
    row = (await connection.execute(query)).one_or_none()
    return time_off_record(row._mapping) if row else None


async def lock_closure(connection: AsyncConnection, *, id: UUID) -> ClosureRecord | None:
    query = (
        select(closures)
        .where(closures.c.id == id, closures.c.removed_at.is_(None))
        .with_for_update()
    )
    row = (await connection.execute(query)).one_or_none()
    return closure_record(row._mapping) if row else None


async def remove_time_off(
    connection: AsyncConnection, *, id: UUID, actor: Actor, now: datetime
) -> None:
    await connection.execute(
        time_off.update()
        .where(time_off.c.id == id)
        .values(removed_at=now, removed_by=actor.person_id)
    )


async def remove_closure(
    connection: AsyncConnection, *, id: UUID, actor: Actor, now: datetime
) -> None:
    await connection.execute(
        closures.update()
        .where(closures.c.id == id)
        .values(removed_at=now, removed_by=actor.person_id)
    )


_HOLDING = """
    SELECT id FROM bookings
    WHERE ($1::uuid IS NULL OR stylist_id = $1)
      AND tstzrange(start_time, busy_until) && tstzrange($2, $3)
      AND status NOT IN ('CANCELLED', 'NO_SHOW') AND deleted_at IS NULL
    ORDER BY start_time, id
"""


async def bookings_holding(
    connection: AsyncConnection, *, stylist_id: UUID | None, absence: Absence
) -> list[UUID]:
    """The bookings (of the stylist, or of everyone) whose busy span overlaps the absence."""
    rows = await driver_of(connection).fetch(_HOLDING, stylist_id, absence.start, absence.end)
    return [row["id"] for row in rows]
