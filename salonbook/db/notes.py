"""Stylist notes: append-only entries (erasing a person redacts the notes about them: see
db/redaction.py)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import events
from salonbook.db.tables import stylist_notes
from salonbook.domain.model import BookingFacts


@dataclass(frozen=True, slots=True)
class Note:
    id: UUID
    booking_id: UUID
    author_id: UUID
    body: str
    created_at: datetime
    redacted: bool


def _note(row: Row[Any]) -> Note:
    return Note(
        id=row.id,
        booking_id=row.booking_id,
        author_id=row.author_id,
        body=row.body,
        created_at=row.created_at,
        redacted=row.redacted_at is not None,
    )


async def add(
    connection: AsyncConnection, *, booking: BookingFacts, author_id: UUID, body: str, now: datetime
) -> Note:
    """Append a note and its NOTE_ADDED event."""
    row = (
        await connection.execute(
            stylist_notes.insert()
            .values(
                id=uuid.uuid4(),
                booking_id=booking.id,
                author_id=author_id,
                body=body,
                created_at=now,
            )
            .returning(*stylist_notes.c)
        )
    ).one()
    note = _note(row)
    await events.record(
        connection, booking=booking, kind=events.EventKind.NOTE_ADDED, at=now, note_id=note.id
    )
    return note


async def for_bookings(
    connection: AsyncConnection, *, booking_ids: Sequence[UUID]
) -> dict[UUID, list[Note]]:
    rows = await connection.execute(
        select(stylist_notes)
        .where(stylist_notes.c.booking_id.in_(booking_ids))
        .order_by(stylist_notes.c.booking_id, stylist_notes.c.created_at, stylist_notes.c.id)
    )
    found: dict[UUID, list[Note]] = defaultdict(list)
    for row in rows:
        found[row.booking_id].append(_note(row))
    return found


async def load_many(connection: AsyncConnection, *, ids: Sequence[UUID]) -> dict[UUID, Note]:
    rows = await connection.execute(select(stylist_notes).where(stylist_notes.c.id.in_(ids)))
    return {row.id: _note(row) for row in rows}
