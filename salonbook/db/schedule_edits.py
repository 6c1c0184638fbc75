"""Writing working time: the salon's settings, a stylist's hours, time off and closures, each
with its audit row (schedule_changes) and its outbox event in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import events
from salonbook.db.engine import driver_of
from salonbook.db.schedules import ClosureRecord, TimeOffRecord, closure_record, time_off_record
from salonbook.db.tables import (
    Columns,
    closures,
    salon_settings,
    schedule_changes,
    stylist_schedules,
    time_off,
)
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import (
    Absence,
    SalonSettings,
    ScheduleChangeKind,
    StylistHours,
    weekly_hours_to_json,
)


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    id: int
    kind: ScheduleChangeKind
    stylist_id: UUID | None
    actor_id: UUID
    actor_role: Role
    reason: str
    before: Any
    after: Any
    ip_address: str | None
    user_agent: str | None
    created_at: datetime


def change_from_row(row: Columns) -> ScheduleChange:
    ip = row["ip_address"]
    return ScheduleChange(
        id=row["id"],
        kind=ScheduleChangeKind(row["kind"]),
        stylist_id=row["stylist_id"],
        actor_id=row["actor_id"],
        actor_role=Role(row["actor_role"]),
        reason=row["reason"],
        before=row["before"],
        after=row["after"],
        ip_address=str(ip) if ip is not None else None,
        user_agent=row["user_agent"],
        created_at=row["created_at"],
    )


def settings_json(settings: SalonSettings) -> dict[str, Any]:
    """The settings as audited (before/after of SALON_SETTINGS_SET)."""
    hours = settings.opening_hours
    return {
        "timeZone": settings.time_zone,
        "slotMinutes": settings.slot_minutes,
        "openingHours": None if hours is None else weekly_hours_to_json(hours),
    }


def hours_json(hours: StylistHours) -> dict[str, Any]:
    """A stylist's hours as audited (before/after of WORKING_HOURS_SET)."""
    working = hours.working_hours
    return {
        "workingHours": None if working is None else weekly_hours_to_json(working),
        "allowOutsideOpeningHours": hours.outside_opening_hours,
    }


def absence_json(id: UUID, absence: Absence) -> dict[str, Any]:
    return {"id": str(id), "start": absence.start.isoformat(), "end": absence.end.isoformat()}


@dataclass(frozen=True, slots=True)
class Audit:
    """Who changes the schedule, why, and from where (kept as status changes keep them)."""

    actor: Actor
    reason: str
    ip_address: str | None
    user_agent: str | None
    now: datetime


async def record_change(
    connection: AsyncConnection,
    *,
    kind: ScheduleChangeKind,
    stylist_id: UUID | None,
    audit: Audit,
    before: Any,
    after: Any,
) -> ScheduleChange:
    """The audit row and the SCHEDULE_CHANGED outbox event, together."""
    statement = (
        schedule_changes.insert()
        .values(
            kind=kind.value,
            stylist_id=stylist_id,
            actor_id=audit.actor.person_id,
            actor_role=audit.actor.role.value,
            reason=audit.reason,
            before=before,
            after=after,
            ip_address=audit.ip_address,
            user_agent=audit.user_agent,
            created_at=audit.now,
        )
        .returning(*schedule_changes.c)
    )
    change = change_from_row((await connection.execute(statement)).one()._mapping)
    await events.record_schedule_change(
        connection, stylist_id=stylist_id, schedule_change_id=change.id, at=audit.now
    )
    return change


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


async def list_changes(
    connection: AsyncConnection, *, stylist_ids: Sequence[UUID | None] | None, limit: int
) -> list[ScheduleChange]:
    """Newest first; `stylist_ids` None for every change, else those of the listed stylists
    (None in the list: the salon-wide ones)."""
    query = select(schedule_changes).order_by(schedule_changes.c.id.desc()).limit(limit)
    if stylist_ids is not None:
        ids = [stylist_id for stylist_id in stylist_ids if stylist_id is not None]
        own = schedule_changes.c.stylist_id.in_(ids)
        salon_wide = schedule_changes.c.stylist_id.is_(None)
        query = query.where(or_(own, salon_wide) if None in stylist_ids else own)
    return [change_from_row(row._mapping) for row in await connection.execute(query)]
