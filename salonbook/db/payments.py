"""Payment processor events: each event id is applied once; replays get the first outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.redaction import erased_form
from salonbook.db.tables import payment_events


async def stored_outcome(connection: AsyncConnection, *, event_id: str) -> dict[str, Any] | None:
    """The outcome of an event seen before; deliveries of one event id take turns."""
    await connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"payment:{event_id}"},
    )
    row = (
        await connection.execute(
            # an erased person's events are kept under a digest of their id
            select(payment_events.c.outcome).where(
                payment_events.c.id.in_((event_id, erased_form(event_id)))
            )
        )
    ).first()
    if row is None:
        return None
    outcome: dict[str, Any] = row.outcome
    return outcome


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
