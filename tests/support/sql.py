"""Straight-to-PostgreSQL helpers of the database tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.bookings import Booking
from salonbook.domain.statuses import BookingStatus
from tests.support.factory import Party

S = BookingStatus
INSUFFICIENT_PRIVILEGE = "42501"
CHECK_VIOLATION = "23514"
EXCLUSION_VIOLATION = "23P01"
CHANNEL = "salonbook_events"

CHANGE = """SELECT history_id, event_id, new_version FROM change_booking_status(
    $1, $2, $3, $4, $5, $6, 'test', NULL, NULL, $7, NULL, NULL)"""
INSERT = """INSERT INTO bookings (id, customer_id, stylist_id, service_id, start_time, end_time,
    status, price_cents, currency, version, status_changed_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 4500, 'EUR', $8, $9, $9, $9)"""


async def refused(sqlstate: str, statement: Any) -> None:
    with pytest.raises(asyncpg.PostgresError) as raised:
        await statement
    assert raised.value.sqlstate == sqlstate, raised.value


async def state(db: Any, booking_id: UUID) -> tuple[str, int, int, int]:
    """Status, version, audit rows and outbox rows of one booking."""
    row = await db.fetchrow(
        """SELECT b.status, b.version,
            (SELECT count(*) FROM booking_status_history h WHERE h.booking_id = b.id) AS changes,
            (SELECT count(*) FROM booking_events e WHERE e.booking_id = b.id) AS events
        FROM bookings b WHERE b.id = $1""",
        booking_id,
    )
    return (row["status"], row["version"], row["changes"], row["events"])


async def change(db: Any, booking: Booking, party: Party, target: S, *, action: str) -> Any:
    """Take the action straight through change_booking_status(): a CONFIRM as the system (the
    only role that confirms), anything else as the admin."""
    actor, role = (party.system, "system") if action == "CONFIRM" else (party.admin, "admin")
    return await db.fetchrow(
        CHANGE,
        booking.id,
        action,
        booking.facts.status.value,
        target.value,
        actor.id,
        role,
        booking.facts.start,
    )


def insert(
    db: Any, party: Party, booking: Booking, start: datetime, *, stylist: UUID | None = None
) -> Any:
    """Insert a PENDING booking for the party's other customer, as long as `booking`."""
    length = booking.facts.end - booking.facts.start
    return db.execute(
        INSERT,
        uuid.uuid4(),
        party.other_customer.id,
        stylist or party.stylist.id,
        booking.service_id,
        start,
        start + length,
        "PENDING",
        1,
        booking.created_at,
    )
