"""Migration 0006 on a database with rows written before the bounds: names and the reasons
copied onto a booking are cut, over-long emails cleared, append-only and short-lived rows kept
as written (their constraints NOT VALID, yet holding for every new row)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.length_checks import LENGTH_CHECKS, Overlong
from tests.support.databases import fresh_database, migrate_to
from tests.support.sql import CHECK_VIOLATION, refused

BEFORE_BOUNDS = "0005"
NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
async def old_database(server_url: str) -> AsyncIterator[str]:
    """A database of its own, migrated up to the revision before the bounds."""
    async with fresh_database(server_url, revision=BEFORE_BOUNDS) as url:
        yield url


async def _old_rows(db: Any) -> dict[str, Any]:
    """Over-long values, as an unbounded earlier version could have stored them."""
    customer, stylist, service, booking = (uuid.uuid4() for _ in range(4))
    await db.execute(
        """INSERT INTO people (id, role, display_name, email, phone, created_at, updated_at)
        VALUES ($1, 'customer', $3, $4, $5, $6, $6), ($2, 'stylist', 'Sam', NULL, NULL, $6, $6)""",
        customer,
        stylist,
        "n" * 300,
        "e" * 300 + "@salon.example",
        "1" * 40,
        NOW,
    )
    await db.execute(
        """INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,
            created_at, updated_at) VALUES ($1, 'Trim', 30, 100, 'EUR', true, $2, $2)""",
        service,
        NOW,
    )
    await db.execute(
        """INSERT INTO bookings (id, customer_id, stylist_id, service_id, start_time, end_time,
            status, price_cents, currency, version, status_changed_at, created_at, updated_at,
            cancel_reason) VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 100, 'EUR', 1, $7, $7, $7,
            $8)""",
        booking,
        customer,
        stylist,
        service,
        NOW + timedelta(days=1),
        NOW + timedelta(days=1, minutes=30),
        NOW,
        "c" * 600,
    )
    await db.execute(
        """INSERT INTO booking_status_history (booking_id, action, from_status, to_status,
            actor_id, actor_role, reason, user_agent, created_at)
        VALUES ($1, 'CANCEL', 'PENDING', 'CANCELLED', $2, 'customer', $3, $4, $5)""",
        booking,
        customer,
        "h" * 600,
        "u" * 1000,
        NOW,
    )
    await db.execute(
        """INSERT INTO idempotency_keys (actor_id, key, operation, request_hash, result,
            created_at) VALUES ($1, $2, 'op', 'h', $3, $4)""",
        customer,
        "k" * 200,
        json.dumps({}),
        NOW,
    )
    return {"customer": customer, "booking": booking}


async def test_older_rows_are_cut_cleared_or_kept_and_every_check_holds_for_new_rows(
    old_database: str,
) -> None:
    db = await asyncpg.connect(old_database)
    try:
        old = await _old_rows(db)
        await migrate_to(old_database, "head")

        person = await db.fetchrow(
            "SELECT display_name, email, phone FROM people WHERE id = $1", old["customer"]
        )
        assert dict(person) == {"display_name": "n" * 200, "email": None, "phone": None}
        booking = await db.fetchrow(
            "SELECT cancel_reason, version FROM bookings WHERE id = $1", old["booking"]
        )
        assert dict(booking) == {"cancel_reason": "c" * 500, "version": 2}
        audit = await db.fetchrow(
            "SELECT reason, user_agent FROM booking_status_history WHERE booking_id = $1",
            old["booking"],
        )
        assert dict(audit) == {"reason": "h" * 600, "user_agent": "u" * 1000}
        assert await db.fetchval("SELECT key FROM idempotency_keys") == "k" * 200

        validated = dict(
            await db.fetch(
                "SELECT conname, convalidated FROM pg_constraint WHERE conname = ANY($1)",
                [check.name for check in LENGTH_CHECKS],
            )
        )
        assert validated == {
            check.name: check.overlong is not Overlong.KEPT for check in LENGTH_CHECKS
        }
        await refused(
            CHECK_VIOLATION,
            db.execute(
                """INSERT INTO booking_status_history (booking_id, action, from_status,
                    to_status, actor_id, actor_role, user_agent, created_at)
                VALUES ($1, 'CANCEL', 'PENDING', 'CANCELLED', $2, 'customer', $3, $4)""",
                old["booking"],
                old["customer"],
                "u" * 513,
                NOW,
            ),
        )
    finally:
        await db.close()
