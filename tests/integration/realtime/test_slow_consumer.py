"""A subscriber that stops reading holds at most its queue's capacity, then is told to resync
and carries on live: the server's memory does not grow with what it failed to read."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.realtime.delivery import booking_events
from salonbook.realtime.feed import Feed
from salonbook.realtime.types import Delivery, Resync
from tests.support.factory import Factory
from tests.support.streams import (
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)

CAPACITY = 4


async def test_a_consumer_too_slow_is_bounded_then_resynced(
    app: Starlette, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 2 + 5 * CAPACITY)
    parts = replace(app.state.runtime.stream, capacity=CAPACITY)
    viewer = Actor(party.admin.id, Role.ADMIN)
    await caught_up(app)
    feeds = tailer(app).feed_count
    stream = booking_events(
        parts, viewer=viewer, booking_id=None, stylist_id=party.stylist.id, after=None
    )
    first = asyncio.ensure_future(anext(stream))
    await until_feeds(app, feeds + 1)
    (feed,) = [f for f in tailer(app)._feeds if isinstance(f, Feed) and f.viewer == viewer]
    try:
        await cancel_committed(engine, party, bookings[0], factory)
        delivered = await asyncio.wait_for(first, timeout=5)
        assert isinstance(delivered, Delivery)
        assert delivered.event.booking_id == bookings[0].id

        # the consumer stops reading while five times its capacity commits
        for booking in bookings[1:-1]:
            await cancel_committed(engine, party, booking, factory)
            assert feed.queue.qsize() <= CAPACITY
        async with asyncio.timeout(5):
            while not feed.overflowed:  # noqa: ASYNC110 (server state, no event to await)
                await asyncio.sleep(0.01)
        assert feed.queue.qsize() <= CAPACITY

        resync = await asyncio.wait_for(anext(stream), timeout=5)
        assert isinstance(resync, Resync)
        await cancel_committed(engine, party, bookings[-1], factory)
        # what was queued around the overflow may still come; then the stream is live again
        async with asyncio.timeout(5):
            while True:
                item = await anext(stream)
                assert isinstance(item, Delivery)
                if item.event.booking_id == bookings[-1].id:
                    break
    finally:
        await stream.aclose()
    assert tailer(app).feed_count == feeds
