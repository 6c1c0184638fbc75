"""Keyset pages of bookings, ordered by start time then id, limited to what a viewer sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.bookings import Booking, booking_from_row, visible_to
from salonbook.db.tables import bookings
from salonbook.domain.model import Actor
from salonbook.domain.statuses import BookingStatus


@dataclass(frozen=True, slots=True)
class BookingQuery:
    statuses: tuple[BookingStatus, ...] | None = None
    stylist_id: UUID | None = None
    customer_id: UUID | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page starts: after this (start time, id)."""

    start: datetime
    booking_id: UUID


async def page(
    connection: AsyncConnection,
    *,
    viewer: Actor,
    where: BookingQuery,
    after: Position | None,
    limit: int,
) -> list[Booking]:
    query = select(bookings).where(visible_to(viewer))
    if where.statuses:
        query = query.where(bookings.c.status.in_([s.value for s in where.statuses]))
    if where.stylist_id:
        query = query.where(bookings.c.stylist_id == where.stylist_id)
    if where.customer_id:
        query = query.where(bookings.c.customer_id == where.customer_id)
    if where.starts_after:
        query = query.where(bookings.c.start_time >= where.starts_after)
    if where.starts_before:
        query = query.where(bookings.c.start_time < where.starts_before)
    if after:
        query = query.where(
            tuple_(bookings.c.start_time, bookings.c.id) > tuple_(after.start, after.booking_id)
        )
    query = query.order_by(bookings.c.start_time, bookings.c.id).limit(limit)
    return [booking_from_row(row._mapping) for row in await connection.execute(query)]
