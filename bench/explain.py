"""EXPLAIN ANALYZE of the statements behind the dashboard query, for one stylist's week: the
page (as salonbook/db/pages.py builds it for a stylist viewer) and the three loader reads
(people, services, status history) for that page's bookings."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg  # type: ignore[import-untyped]

_PAGE = """
SELECT * FROM bookings
WHERE deleted_at IS NULL AND stylist_id = $1 AND stylist_id = $1
  AND start_time >= $2 AND start_time < $3
ORDER BY start_time, id LIMIT 51
"""
_IDS = "SELECT id, customer_id, stylist_id, service_id FROM (" + _PAGE + ") page"
_READS = {
    "people": "SELECT * FROM people WHERE id = ANY($1::uuid[])",
    "services": "SELECT * FROM services WHERE id = ANY($1::uuid[])",
    "status history": (
        "SELECT * FROM booking_status_history WHERE booking_id = ANY($1::uuid[])"
        " ORDER BY booking_id, id"
    ),
}


async def explain_week(dsn: str, *, stylist_id: uuid.UUID, start: datetime, end: datetime) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        sections = []
        plan = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + _PAGE, stylist_id, start, end)
        sections.append(("page", plan))
        rows = await connection.fetch(_IDS, stylist_id, start, end)
        keys = {
            "people": list({r["customer_id"] for r in rows} | {r["stylist_id"] for r in rows}),
            "services": list({r["service_id"] for r in rows}),
            "status history": [r["id"] for r in rows],
        }
        for name, sql in _READS.items():
            plan = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, keys[name])
            sections.append((name, plan))
    finally:
        await connection.close()
    return "\n\n".join(
        f"-- {name}\n" + "\n".join(row[0] for row in plan) for name, plan in sections
    )
