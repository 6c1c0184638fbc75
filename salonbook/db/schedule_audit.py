"""The schedule's audit: one row of schedule_changes per change (who, role, why, before and
after, from where), written with its SCHEDULE_CHANGED outbox event in the change's
transaction, and read back newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import events
from salonbook.db.tables import Columns, schedule_changes
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
