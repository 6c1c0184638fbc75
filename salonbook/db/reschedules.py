"""Moving a booking in time: the booking row, an append-only record of the move, its event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import slots
from salonbook.db.engine import in_transaction
from salonbook.db.tables import booking_reschedules as moves
from salonbook.domain.model import Actor, BookingFacts
from salonbook.domain.roles import Role


@dataclass(frozen=True, slots=True)
class Reschedule:
    id: int
    booking_id: UUID
    old_start: datetime
    old_end: datetime
    new_start: datetime
    new_end: datetime
    actor_id: UUID
    actor_role: Role
    reason: str | None
    ip_address: str | None
    user_agent: str | None
    created_at: datetime


def _reschedule(row: Row[Any]) -> Reschedule:
    return Reschedule(
        id=row.id,
        booking_id=row.booking_id,
        old_start=row.old_start,
        old_end=row.old_end,
        new_start=row.new_start,
        new_end=row.new_end,
        actor_id=row.actor_id,
        actor_role=Role(row.actor_role),
        reason=row.reason,
        ip_address=str(row.ip_address) if row.ip_address is not None else None,
        user_agent=row.user_agent,
        created_at=row.created_at,
    )


_RESCHEDULE = "SELECT reschedule_booking($1, $2, $3, $4, $5, $6, $7::inet, $8, $9)"


async def move(
    connection: AsyncConnection,
    *,
    booking: BookingFacts,
    start: datetime,
    end: datetime,
    actor: Actor,
    reason: str | None,
    ip_address: str | None,
    user_agent: str | None,
    now: datetime,
) -> int:
    """Move the (locked) booking, with its record and its event (reschedule_booking(): the app
    role cannot update the booking itself); 23P01 if the new slot is taken. Returns the
    record's id."""
    await slots.take_slots_of(connection, booking.stylist_id)
    record_id = await in_transaction(connection).fetchval(
        _RESCHEDULE,
        booking.id,
        start,
        end,
        actor.person_id,
        actor.role.value,
        reason,
        ip_address,
        user_agent,
        now,
    )
    return int(record_id)


async def for_bookings(
    connection: AsyncConnection, *, booking_ids: Sequence[UUID]
) -> dict[UUID, list[Reschedule]]:
    rows = await connection.execute(
        select(moves).where(moves.c.booking_id.in_(booking_ids)).order_by(moves.c.id)
    )
    found: dict[UUID, list[Reschedule]] = defaultdict(list)
    for row in rows:
        found[row.booking_id].append(_reschedule(row))
    return found


async def load_many(connection: AsyncConnection, *, ids: Sequence[int]) -> dict[int, Reschedule]:
    rows = await connection.execute(select(moves).where(moves.c.id.in_(ids)))
    return {row.id: _reschedule(row) for row in rows}
