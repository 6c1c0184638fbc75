"""change_booking_status_at_version(): the status change decided on a booking as read, in one
statement. It changes the booking only while it is still at the version read, never waits for
a lock, and returns exactly what it wrote."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db import bookings
from salonbook.db.bookings import Booking
from salonbook.db.engine import TransactionAborted, statement_by_statement, unit_of_work
from salonbook.domain.errors import ConcurrentUpdate
from salonbook.domain.model import Actor, Windows
from salonbook.domain.roles import Role
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.use_cases.seeding import take_action
from tests.support.factory import Factory, Party

CANCEL_REASON = "the customer called"


async def _cancel_as_read(
    engine: AsyncEngine, factory: Factory, party: Party, read: Booking
) -> tuple[Booking, Any]:
    admin = Actor(party.admin.id, Role.ADMIN)
    change = decide(
        actor=admin, booking=read.facts, action=BookingAction.CANCEL, reason=CANCEL_REASON,
        now=factory.clock.now(), windows=Windows(),
    )  # fmt: skip
    async with statement_by_statement(engine) as connection:
        return await bookings.change_at_version(
            connection, booking=read.facts, change=change, actor=admin, ip_address="10.1.2.3",
            user_agent="probe/1", now=factory.clock.now(),
        )  # fmt: skip


async def _history_count(db: Any, booking: Booking) -> int:
    found = await db.fetchval(
        "SELECT count(*) FROM booking_status_history WHERE booking_id = $1", booking.id
    )
    return int(found)


async def _refused_and_untouched(
    engine: AsyncEngine, factory: Factory, party: Party, read: Booking, db: Any, *, status: str
) -> None:
    """Changing `read` is refused as aborted, and the booking keeps `status` and its history."""
    before = await _history_count(db, read)
    with pytest.raises(TransactionAborted):
        await _cancel_as_read(engine, factory, party, read)
    assert await db.fetchval("SELECT status FROM bookings WHERE id = $1", read.id) == status
    assert await _history_count(db, read) == before


async def test_it_returns_the_booking_and_the_audit_row_it_wrote(
    engine: AsyncEngine, factory: Factory, db: Any
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    changed, recorded = await _cancel_as_read(engine, factory, party, booking)

    stored = await db.fetchrow("SELECT * FROM bookings WHERE id = $1", booking.id)
    audit = await db.fetchrow("SELECT * FROM booking_status_history WHERE id = $1", recorded.id)
    assert changed == bookings.booking_from_row(stored)
    assert (changed.facts.status, changed.facts.version) == (
        BookingStatus.CANCELLED,
        booking.facts.version + 1,
    )
    assert changed.cancel_reason == CANCEL_REASON
    assert (recorded.booking_id, recorded.from_status, recorded.to_status) == (
        booking.id,
        BookingStatus.CONFIRMED,
        BookingStatus.CANCELLED,
    )
    assert (recorded.actor_id, recorded.ip_address, recorded.user_agent) == (
        party.admin.id,
        "10.1.2.3",
        "probe/1",
    )
    assert recorded.created_at == audit["created_at"] == changed.facts.status_changed_at


async def test_a_booking_changed_since_it_was_read_is_left_alone(
    engine: AsyncEngine, factory: Factory, db: Any
) -> None:
    party = await factory.party()
    read = await factory.booking(party, status=BookingStatus.CONFIRMED)
    async with unit_of_work(engine) as connection:  # someone else changes it meanwhile
        await take_action(
            connection, booking=read.facts, action=BookingAction.START,
            actor=Actor(party.stylist.id, Role.STYLIST), at=factory.clock.now(),
        )  # fmt: skip

    await _refused_and_untouched(engine, factory, party, read, db, status="IN_PROGRESS")


async def test_a_deleted_booking_is_left_alone(
    engine: AsyncEngine, factory: Factory, db: Any
) -> None:
    party = await factory.party()
    read = await factory.booking(party, status=BookingStatus.CONFIRMED)
    await db.execute("SELECT soft_delete_booking($1, $2, NULL, now())", read.id, party.admin.id)

    await _refused_and_untouched(engine, factory, party, read, db, status="CONFIRMED")


async def test_a_booking_locked_elsewhere_is_a_concurrent_update_at_once(
    engine: AsyncEngine, factory: Factory, db: Any
) -> None:
    party = await factory.party()
    read = await factory.booking(party, status=BookingStatus.CONFIRMED)
    before = await _history_count(db, read)

    async with engine.connect() as holder, holder.begin():
        await holder.execute(
            text("SELECT id FROM bookings WHERE id = :id FOR UPDATE"), {"id": read.id}
        )
        with pytest.raises(ConcurrentUpdate) as raised:
            await _cancel_as_read(engine, factory, party, read)

    assert not isinstance(raised.value, TransactionAborted)  # not retried: it was held
    assert await _history_count(db, read) == before
