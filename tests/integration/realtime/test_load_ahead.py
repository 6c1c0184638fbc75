"""The tailer loads the bookings its notifications name beside its outbox read, so a live
event's `booking` costs no round trip after the read; but a booking read before an event's
commit is never what that event shows. The tailer here hears a broadcast of its own (memory),
so each test says exactly which notification it heard."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from broadcaster import Broadcast
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.db.guards import EVENTS_CHANNEL
from salonbook.domain.clock import SettableClock
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from salonbook.realtime.feed import Feed
from salonbook.realtime.tailer import Tailer, named_in
from salonbook.realtime.types import Delivery
from tests.support.factory import Factory
from tests.support.streams import cancel_committed, confirmed_bookings


@pytest.fixture
async def broadcast() -> AsyncIterator[Broadcast]:
    broadcast = Broadcast("memory://")
    await broadcast.connect()
    yield broadcast
    await broadcast.disconnect()


@contextlib.asynccontextmanager
async def own_tailer(
    engine: AsyncEngine, broadcast: Broadcast, clock: SettableClock
) -> AsyncIterator[Tailer]:
    """A tailer from now on (what was committed before, it never delivers)."""
    tailer = Tailer(
        engine=engine, broadcast=broadcast, clock=clock, retention=timedelta(days=3650),
        poll_interval=3600.0, purge_interval=3600.0,
    )  # fmt: skip
    await tailer.start()
    try:
        yield tailer
    finally:
        await tailer.stop()


async def last_event_id(engine: AsyncEngine, booking: Booking) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT max(id) FROM booking_events WHERE booking_id = :id"), {"id": booking.id}
        )
    event_id: int = found.scalar_one()
    return event_id


async def delivered(feed: Feed) -> Delivery:
    return await asyncio.wait_for(feed.queue.get(), timeout=5)


def test_a_notification_names_its_event_and_booking() -> None:
    booking = uuid.uuid4()
    assert named_in(f"12:{booking}") == (12, booking)
    assert named_in("reconnected") is None
    assert named_in("committed") is None  # the redis backend's announcement
    assert named_in(f"x:{booking}") is None
    assert named_in("12:not-a-uuid") is None
    assert named_in(None) is None


async def test_the_booking_a_notification_names_is_loaded_with_the_read(
    engine: AsyncEngine, factory: Factory, broadcast: Broadcast, clock: SettableClock
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    feed = Feed(Actor(party.admin.id, Role.ADMIN), stylist_id=party.stylist.id)
    async with own_tailer(engine, broadcast, clock) as tailer:
        tailer.register(feed)
        await cancel_committed(engine, party, booking, factory)
        event_id = await last_event_id(engine, booking)
        await broadcast.publish(EVENTS_CHANNEL, f"{event_id}:{booking.id}")
        delivery = await delivered(feed)

    assert delivery.event.id == event_id
    loaded = delivery.loaders.booking.cache_map.get(booking.id)
    assert loaded is not None and loaded.done()  # before anything renders the event
    record = loaded.result()
    assert record is not None
    assert record.facts.status is BookingStatus.CANCELLED
    assert record.facts.version == booking.facts.version + 1


async def test_an_event_no_notification_named_has_its_booking_read_after_the_outbox(
    engine: AsyncEngine, factory: Factory, broadcast: Broadcast, clock: SettableClock
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    feed = Feed(Actor(party.admin.id, Role.ADMIN), stylist_id=party.stylist.id)
    async with own_tailer(engine, broadcast, clock) as tailer:
        tailer.register(feed)
        await cancel_committed(engine, party, booking, factory)
        event_id = await last_event_id(engine, booking)

        # heard for another event of the booking: what was loaded ahead may predate this one
        await broadcast.publish(EVENTS_CHANNEL, f"{event_id + 1000}:{booking.id}")
        delivery = await delivered(feed)

    assert delivery.event.id == event_id
    assert delivery.loaders.booking.cache_map.get(booking.id) is None
    record = await delivery.loaders.booking.load(booking.id)
    assert record is not None
    assert record.facts.status is BookingStatus.CANCELLED
    assert record.facts.version == booking.facts.version + 1
