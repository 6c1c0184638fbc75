"""The outbox: one event row per booking change, written in the change's own transaction.

A trigger on the table sends `NOTIFY salonbook_events, '<event id>:<booking id>'`, so only
committed changes are ever heard. A schedule change is an event too, of no booking."""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.tables import booking_events
from salonbook.domain.model import BookingFacts


class EventKind(enum.StrEnum):
    CREATED = "CREATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    RESCHEDULED = "RESCHEDULED"
    NOTE_ADDED = "NOTE_ADDED"
    DELETED = "DELETED"
    SCHEDULE_CHANGED = "SCHEDULE_CHANGED"
    """A change of working time (schedule_changes): no booking, no customer; no stylist when
    salon-wide."""


async def record(
    connection: AsyncConnection,
    *,
    booking: BookingFacts,
    kind: EventKind,
    at: datetime,
    status_change_id: int | None = None,
    note_id: UUID | None = None,
    reschedule_id: int | None = None,
) -> int:
    statement = (
        booking_events.insert()
        .values(
            booking_id=booking.id,
            stylist_id=booking.stylist_id,
            customer_id=booking.customer_id,
            kind=kind.value,
            status_change_id=status_change_id,
            note_id=note_id,
            reschedule_id=reschedule_id,
            occurred_at=at,
        )
        .returning(booking_events.c.id)
    )
    return int((await connection.execute(statement)).scalar_one())


async def record_schedule_change(
    connection: AsyncConnection, *, stylist_id: UUID | None, schedule_change_id: int, at: datetime
) -> int:
    """The outbox row of a schedule change, in its transaction (delivered as every event is)."""
    statement = (
        booking_events.insert()
        .values(
            stylist_id=stylist_id,
            kind=EventKind.SCHEDULE_CHANGED.value,
            schedule_change_id=schedule_change_id,
            occurred_at=at,
        )
        .returning(booking_events.c.id)
    )
    return int((await connection.execute(statement)).scalar_one())
