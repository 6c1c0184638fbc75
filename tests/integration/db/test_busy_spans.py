"""A booking holds its stylist until busy_until, its end plus its service's buffer when it was
made: written by the database on every insert, kept (its own buffer) on every move, and the
overlap constraint counts it. Migration 0008 keeps every booking of a filled table, each
holding exactly its old span, and the constraint working. Time off and closures are only
ever marked removed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from salonbook.domain.statuses import BookingStatus
from tests.support.databases import fresh_database, migrate_to
from tests.support.factory import Factory
from tests.support.sql import INSUFFICIENT_PRIVILEGE, refused

EXCLUSION_VIOLATION = "23P01"
NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
INSERT = """INSERT INTO bookings (id, customer_id, stylist_id, service_id, start_time, end_time,
    status, price_cents, currency, version, status_changed_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 100, 'EUR', 1, $7, $7, $7)"""


async def test_the_buffer_is_busy_time_kept_by_moves_and_not_moved_by_service_edits(
    db: Any, owner_db: Any, factory: Factory
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=30)
    await owner_db.execute("UPDATE services SET buffer_minutes = 15 WHERE id = $1", service.id)
    booking = await factory.booking(party, service=service, starts_in=timedelta(days=3))
    start, end = booking.facts.start, booking.facts.end
    busy = await db.fetchval("SELECT busy_until FROM bookings WHERE id = $1", booking.id)
    assert busy == end + timedelta(minutes=15)

    in_buffer = end + timedelta(minutes=10)
    await refused(
        EXCLUSION_VIOLATION,
        db.execute(
            INSERT,
            uuid.uuid4(),
            party.customer.id,
            party.stylist.id,
            service.id,
            in_buffer,
            in_buffer + timedelta(minutes=30),
            factory.clock.now(),
        ),
    )
    after_buffer = end + timedelta(minutes=15)
    await db.execute(
        INSERT,
        uuid.uuid4(),
        party.customer.id,
        party.stylist.id,
        service.id,
        after_buffer,
        after_buffer + timedelta(minutes=30),
        factory.clock.now(),
    )

    await owner_db.execute("UPDATE services SET buffer_minutes = 120 WHERE id = $1", service.id)
    assert await db.fetchval("SELECT busy_until FROM bookings WHERE id = $1", booking.id) == busy
    moved = start - timedelta(days=1)
    await db.execute(
        "SELECT reschedule_booking($1, $2, $3, $4, 'admin', NULL, NULL, NULL, now())",
        booking.id,
        moved,
        moved + timedelta(minutes=30),
        party.admin.id,
    )
    row = await db.fetchrow("SELECT end_time, busy_until FROM bookings WHERE id = $1", booking.id)
    assert row["busy_until"] - row["end_time"] == timedelta(minutes=15)


async def test_removed_time_off_stays_removed_and_rows_stay(db: Any, factory: Factory) -> None:
    party = await factory.party()
    time_off = uuid.uuid4()
    now = factory.clock.now()
    await db.execute(
        """INSERT INTO time_off (id, stylist_id, start_time, end_time, reason, created_by,
        created_at) VALUES ($1, $2, $3, $4, 'off', $5, $3)""",
        time_off,
        party.stylist.id,
        now + timedelta(days=900),
        now + timedelta(days=901),
        party.admin.id,
    )
    remove = "UPDATE time_off SET removed_at = now(), removed_by = $2 WHERE id = $1"
    await db.execute(remove, time_off, party.admin.id)
    await refused(INSUFFICIENT_PRIVILEGE, db.execute(remove, time_off, party.stylist.id))
    await refused(
        INSUFFICIENT_PRIVILEGE,
        db.execute(
            "UPDATE time_off SET removed_at = NULL, removed_by = NULL WHERE id = $1", time_off
        ),
    )
    assert await db.fetchval("SELECT removed_by FROM time_off WHERE id = $1", time_off) == (
        party.admin.id
    )


async def test_migration_0008_keeps_a_filled_tables_bookings_and_their_constraint(
    server_url: str,
) -> None:
    async with fresh_database(server_url, revision="0007") as url:
        db = await asyncpg.connect(url)
        try:
            customer, stylist, service = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            await db.execute(
                """INSERT INTO people (id, role, display_name, created_at, updated_at)
                VALUES ($1, 'customer', 'C', $3, $3), ($2, 'stylist', 'S', $3, $3)""",
                customer,
                stylist,
                NOW,
            )
            await db.execute(
                """INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,
                created_at, updated_at) VALUES ($1, 'Trim', 30, 100, 'EUR', true, $2, $2)""",
                service,
                NOW,
            )
            spans = [
                (NOW + timedelta(hours=h), NOW + timedelta(hours=h, minutes=30)) for h in range(200)
            ]
            ids = [uuid.uuid4() for _ in spans]
            await db.executemany(
                INSERT,
                [
                    (i, customer, stylist, service, s, e, NOW)
                    for i, (s, e) in zip(ids, spans, strict=True)
                ],
            )
            await db.close()
            await migrate_to(url, "0008")
            db = await asyncpg.connect(url)
            found = await db.fetch(
                "SELECT id, start_time, end_time, busy_until, status, version FROM bookings"
                " ORDER BY start_time"
            )
            assert [(r["id"], r["start_time"], r["end_time"], r["busy_until"]) for r in found] == [
                (i, s, e, e) for i, (s, e) in zip(ids, spans, strict=True)
            ]
            assert {(r["status"], r["version"]) for r in found} == {(BookingStatus.PENDING, 1)}
            await refused(
                EXCLUSION_VIOLATION,
                db.execute(
                    INSERT,
                    uuid.uuid4(),
                    customer,
                    stylist,
                    service,
                    spans[3][0] + timedelta(minutes=10),
                    spans[3][1],
                    NOW,
                ),
            )
            settings = await db.fetchrow(
                "SELECT time_zone, slot_minutes, opening_hours FROM salon_settings"
            )
            assert tuple(settings) == ("UTC", 15, None)
        finally:
            await db.close()
