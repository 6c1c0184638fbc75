"""PostgreSQL itself bounds every client-supplied text column (salonbook/db/length_checks.py):
a row written straight to the database, past the API, is refused one character past the
domain's bound and accepted at it."""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

from salonbook.db.length_checks import ALL_LENGTH_CHECKS, LengthCheck
from salonbook.domain.statuses import BookingStatus
from tests.support.factory import Factory
from tests.support.sql import CHECK_VIOLATION, refused


async def _base_row(table: str, factory: Factory) -> dict[str, Any]:
    """A row of the table that every constraint accepts, save the column under test's."""
    if table == "salon_settings":
        return {}
    party = await factory.party()
    now = factory.clock.now()
    if table == "people":
        return {
            "id": uuid.uuid4(),
            "role": "customer",
            "display_name": "Ada",
            "created_at": now,
            "updated_at": now,
        }
    if table == "services":
        return {
            "id": uuid.uuid4(),
            "name": "Trim",
            "duration_minutes": 30,
            "price_cents": 0,
            "currency": "EUR",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
    if table == "payment_events":
        return {
            "id": uuid.uuid4().hex,
            "type": "payment.succeeded",
            "amount_cents": 1,
            "outcome": json.dumps({}),
            "received_at": now,
        }
    if table == "idempotency_keys":
        return {
            "actor_id": party.customer.id,
            "key": uuid.uuid4().hex,
            "operation": "op",
            "request_hash": "h",
            "result": json.dumps({}),
            "created_at": now,
        }
    if table in ("time_off", "closures"):
        # somewhere no other row of the table is, so the no-overlap constraints never decide
        start = now + timedelta(days=400, minutes=random.randrange(10**8))
        row = {
            "id": uuid.uuid4(),
            "start_time": start,
            "end_time": start + timedelta(minutes=1),
            "reason": "ok",
            "created_by": party.admin.id,
            "created_at": now,
        }
        return row | ({"stylist_id": party.stylist.id} if table == "time_off" else {})
    if table == "schedule_changes":
        return {
            "kind": "CLOSURE_ADDED",
            "actor_id": party.admin.id,
            "actor_role": "admin",
            "reason": "ok",
            "created_at": now,
        }
    if table == "bookings":
        service = await factory.service()
        start = now + timedelta(days=9)
        return {
            "id": uuid.uuid4(),
            "customer_id": party.customer.id,
            "stylist_id": party.stylist.id,
            "service_id": service.id,
            "start_time": start,
            "end_time": start + timedelta(hours=1),
            "status": "PENDING",
            "price_cents": service.price_cents,
            "currency": "EUR",
            "version": 1,
            "status_changed_at": now,
            "created_at": now,
            "updated_at": now,
        }
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    if table == "stylist_notes":
        return {
            "id": uuid.uuid4(),
            "booking_id": booking.id,
            "author_id": party.stylist.id,
            "body": "ok",
            "created_at": now,
        }
    who = {
        "booking_id": booking.id,
        "actor_id": party.admin.id,
        "actor_role": "admin",
        "created_at": now,
    }
    if table == "booking_status_history":
        return {**who, "action": "CANCEL", "from_status": "CONFIRMED", "to_status": "CANCELLED"}
    assert table == "booking_reschedules", table
    start, end = booking.facts.start, booking.facts.end
    return {**who, "old_start": start, "old_end": end, "new_start": start, "new_end": end}


def _insert(db: Any, table: str, row: dict[str, Any]) -> Any:
    if table == "salon_settings":  # its one row
        (column, value), *_ = row.items()
        return db.execute(f"UPDATE salon_settings SET {column} = $1", value)
    columns = ", ".join(row)
    places = ", ".join(f"${n}" for n in range(1, len(row) + 1))
    return db.execute(f"INSERT INTO {table} ({columns}) VALUES ({places})", *row.values())


def _text(check: LengthCheck, length: int) -> str:
    if check.column == "email":
        return "e" * (length - len("@salon.example")) + "@salon.example"
    if check.column == "phone":
        return "1" * length
    return "x" * length


@pytest.mark.parametrize("check", ALL_LENGTH_CHECKS, ids=lambda check: check.name)
async def test_the_database_refuses_one_character_past_the_bound(
    owner_db: Any, factory: Factory, check: LengthCheck
) -> None:
    over = await _base_row(check.table, factory)
    await refused(
        CHECK_VIOLATION,
        _insert(owner_db, check.table, over | {check.column: _text(check, check.most + 1)}),
    )

    at_bound = await _base_row(check.table, factory)
    await _insert(owner_db, check.table, at_bound | {check.column: _text(check, check.most)})


async def test_a_booking_currency_is_an_iso_code(owner_db: Any, factory: Factory) -> None:
    row = await _base_row("bookings", factory)
    await refused(CHECK_VIOLATION, _insert(owner_db, "bookings", row | {"currency": "EUR\n"}))
