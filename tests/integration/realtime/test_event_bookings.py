"""The tailer's outbox read brings each event's booking with it, as it is in the read's own
snapshot (so after the event's commit): a live event's `booking` costs no round trip after the
read, and is never older than the event. The tailer here hears a broadcast of its own (memory),
so each test wakes it exactly when it wants."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from broadcaster import Broadcast
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db import outbox
from salonbook.db.engine import unit_of_work
from salonbook.db.guards import EVENTS_CHANNEL
from salonbook.domain.clock import SettableClock
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from salonbook.realtime.feed import Feed
from salonbook.realtime.tailer import Tailer
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


async def test_a_live_events_booking_comes_with_the_outbox_read(
    engine: AsyncEngine, factory: Factory, broadcast: Broadcast, clock: SettableClock
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    feed = Feed(Actor(party.admin.id, Role.ADMIN), stylist_id=party.stylist.id)
    async with own_tailer(engine, broadcast, clock) as tailer:
        tailer.register(feed)
        await cancel_committed(engine, party, booking, factory)
        await broadcast.publish(EVENTS_CHANNEL, "committed")
        delivery = await asyncio.wait_for(feed.queue.get(), timeout=5)

    assert delivery.event.booking_id == booking.id
    loaded = delivery.loaders.booking.cache_map.get(booking.id)
    assert loaded is not None and loaded.done()  # before anything renders the event
    record = loaded.result()
    assert record is not None
    assert record.facts.status is BookingStatus.CANCELLED
    assert record.facts.version == booking.facts.version + 1


async def test_the_read_gives_each_event_its_booking_as_the_snapshot_has_it(
    engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    kept, deleted = await confirmed_bookings(factory, party, 2)
    before = await outbox.current_snapshot(engine)
    await cancel_committed(engine, party, kept, factory)
    async with unit_of_work(engine) as connection:
        await connection.exec_driver_sql(
            "SELECT soft_delete_booking($1, $2, 'a test', now())",
            (deleted.id, party.admin.id),
        )

    async with engine.connect() as connection:
        _, events, booked = await outbox.read_window(connection, before=before)

    assert [e.booking_id for e in events] == [kept.id, deleted.id]
    assert booked.keys() == {kept.id, deleted.id}
    kept_now = booked[kept.id]
    assert kept_now is not None
    assert (kept_now.facts.status, kept_now.facts.version) == (
        BookingStatus.CANCELLED,
        kept.facts.version + 1,
    )
    assert booked[deleted.id] is None  # deleted: the event's booking is null
