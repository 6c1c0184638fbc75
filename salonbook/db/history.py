"""The append-only audit history of status changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.tables import Columns
from salonbook.db.tables import booking_status_history as history
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus


@dataclass(frozen=True, slots=True)
class StatusChangeRecord:
    id: int
    booking_id: UUID
    action: BookingAction
    from_status: BookingStatus
    to_status: BookingStatus
    actor_id: UUID
    actor_role: Role
    reason: str | None
    ip_address: str | None
    user_agent: str | None
    created_at: datetime


def record_from(row: Columns) -> StatusChangeRecord:
    """The record of an audit row (an asyncpg record, or a SQLAlchemy row's mapping)."""
    ip_address = row["ip_address"]
    return StatusChangeRecord(
        id=row["id"],
        booking_id=row["booking_id"],
        action=BookingAction(row["action"]),
        from_status=BookingStatus(row["from_status"]),
        to_status=BookingStatus(row["to_status"]),
        actor_id=row["actor_id"],
        actor_role=Role(row["actor_role"]),
        reason=row["reason"],
        ip_address=str(ip_address) if ip_address is not None else None,
        user_agent=row["user_agent"],
        created_at=row["created_at"],
    )


async def for_bookings(
    connection: AsyncConnection, *, booking_ids: Sequence[UUID]
) -> dict[UUID, list[StatusChangeRecord]]:
    """Each booking's changes, oldest first."""
    rows = await connection.execute(
        select(history)
        .where(history.c.booking_id.in_(booking_ids))
        .order_by(history.c.booking_id, history.c.id)
    )
    found: dict[UUID, list[StatusChangeRecord]] = defaultdict(list)
    for row in rows:
        found[row.booking_id].append(record_from(row._mapping))
    return found


async def load_many(
    connection: AsyncConnection, *, ids: Sequence[int]
) -> dict[int, StatusChangeRecord]:
    rows = await connection.execute(select(history).where(history.c.id.in_(ids)))
    return {row.id: record_from(row._mapping) for row in rows}
