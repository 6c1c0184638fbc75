"""A digest of everything the API writes, to show that a refused request changed nothing."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

TABLES = (
    "people",
    "services",
    "bookings",
    "booking_status_history",
    "booking_reschedules",
    "booking_events",
    "stylist_notes",
    "idempotency_keys",
    "payment_events",
    "salon_settings",
    "stylist_schedules",
    "time_off",
    "closures",
    "schedule_changes",
)
DIGEST = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"


async def footprint(engine: AsyncEngine) -> dict[str, str]:
    """Per table, a digest of every row (no row, audit entry or outbox event goes unseen)."""
    digests = {}
    async with engine.connect() as connection:
        for table in TABLES:
            digest = await connection.execute(text(DIGEST.format(table=table)))
            digests[table] = digest.scalar_one()
    return digests
