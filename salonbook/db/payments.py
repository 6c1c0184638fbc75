"""Payment processor events: each event id is applied once; replays get the first outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.redaction import erased_form
from salonbook.db.tables import payment_events


@dataclass(frozen=True, slots=True)
class SeenEvent:
    """An event applied before: what it said, and what came of it."""

    kind: str
    booking_id: UUID | None
    amount_cents: int
    outcome: dict[str, Any]


async def seen(connection: AsyncConnection, *, event_id: str) -> SeenEvent | None:
    """The event of this id seen before, if any; deliveries of one event id take turns."""
    await connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"payment:{event_id}"},
    )
    columns = (
        payment_events.c.type,
        payment_events.c.booking_id,
        payment_events.c.amount_cents,
        payment_events.c.outcome,
    )
    query = select(*columns).where(
        # an erased person's events are kept under a digest of their id
        payment_events.c.id.in_((event_id, erased_form(event_id)))
    )
    row = (await connection.execute(query)).first()
    if row is None:
        return None
    return SeenEvent(
        kind=row.type, booking_id=row.booking_id, amount_cents=row.amount_cents, outcome=row.outcome
    )


async def remember(
    connection: AsyncConnection,
    *,
    event_id: str,
    kind: str,
    booking_id: UUID,
    amount_cents: int,
    outcome: dict[str, Any],
    now: datetime,
) -> None:
    await connection.execute(
        payment_events.insert().values(
            id=event_id,
            type=kind,
            booking_id=booking_id,
            amount_cents=amount_cents,
            outcome=outcome,
            received_at=now,
        )
    )
