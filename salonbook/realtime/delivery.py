"""The bookingEvents stream of one subscriber: replay from its cursor, then live, with no gap
and no duplicate at the seam; RESYNC_REQUIRED when a gap cannot be ruled out. Given a LiveSink,
the stream hands its live events to the tailer whenever it has nothing queued (see live.py),
and only yields what takes the slow path: replays, resyncs, catching up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db import bookings, outbox
from salonbook.db.loaders import Loaders
from salonbook.domain.clock import Clock
from salonbook.domain.errors import NotFound
from salonbook.domain.model import Actor, can_view
from salonbook.realtime.admission import Admission
from salonbook.realtime.cursor import CursorCodec, EventCursor
from salonbook.realtime.feed import Feed
from salonbook.realtime.tailer import Tailer
from salonbook.realtime.types import Delivery, Item, LiveSink, Resync

CLOCK_SKEW = timedelta(minutes=1)
"""How far ahead of this server's clock another server's may be when it signs a cursor."""


class Listener(Protocol):
    """The broadcast backend that wakes the tailer: whether it is connected tells readiness,
    its reconnects are a metric."""

    @property
    def connected(self) -> asyncio.Event: ...

    @property
    def reconnects(self) -> int: ...


@dataclass(frozen=True, slots=True)
class StreamParts:
    engine: AsyncEngine
    tailer: Tailer
    clock: Clock
    retention: timedelta
    cursors: CursorCodec
    capacity: int = 256
    listener: Listener | None = None
    sent: Callable[[float], None] | None = None
    """Told the lag, in seconds, of each live event once it is sent to a subscriber."""
    admission: Admission = field(default_factory=lambda: Admission(slots=5))
    """Slots for a subscription's first database work (its booking, its replay's read)."""
    reserved: AsyncEngine | None = None
    """The tailer's pool (lifespan.py), which readiness uses too; else `engine`."""


async def booking_events(
    parts: StreamParts,
    *,
    viewer: Actor,
    booking_id: UUID | None,
    stylist_id: UUID | None,
    after: EventCursor | None,
    sink: LiveSink | None = None,
) -> AsyncGenerator[Item, None]:
    if booking_id is not None:
        async with parts.admission.slot(), parts.engine.connect() as connection:
            found = await bookings.load(connection, booking_id=booking_id)  # not across yields
        if found is None or not can_view(viewer, found.facts):
            raise NotFound("booking not found")
    sent = _lag_observer(parts)
    feed = Feed(viewer, booking_id, stylist_id, capacity=parts.capacity)
    parts.tailer.register(feed)  # first, so nothing committed from now on is missed
    try:
        if after is not None:
            async for item in _replay(parts, feed, after):
                yield item
        while True:
            if feed.take_overflow():
                yield Resync(parts.tailer.here(), parts.clock.now())
                continue
            if sink is not None and feed.queue.empty():
                await feed.live(sink, sent=sent)
                continue
            delivery = await feed.queue.get()
            if feed.take_overflow():
                yield Resync(parts.tailer.here(), parts.clock.now())
                continue
            if feed.replayed(delivery.event):
                continue
            yield delivery
            # resumed when the consumer asks for the next item: this one has been sent
            if sent is not None:
                sent(delivery)
    finally:
        parts.tailer.unregister(feed)


def _lag_observer(parts: StreamParts) -> Callable[[Delivery], None] | None:
    observe = parts.sent
    if observe is None:
        return None

    def sent(delivery: Delivery) -> None:
        lag = parts.clock.now() - delivery.event.occurred_at
        observe(max(0.0, lag.total_seconds()))

    return sent


async def _replay(parts: StreamParts, feed: Feed, after: EventCursor) -> AsyncIterator[Item]:
    now = parts.clock.now()
    # Older than retention, the outbox may have been purged since; from the future (a signing
    # server's clock far ahead), its age is unknown: either way a gap cannot be ruled out.
    if not now - parts.retention <= after.issued_at <= now + CLOCK_SKEW:
        async with parts.admission.slot():
            fresh = await outbox.current_snapshot(parts.engine)
        feed.seen_up_to = fresh
        yield Resync(EventCursor(fresh, fresh, 0, now), now)
        return
    async with parts.admission.slot(), parts.engine.connect() as connection:
        fresh, events = await outbox.read_after(
            connection, before=after.before, window=after.window, last_id=after.last_id
        )
    feed.seen_up_to = fresh
    loaders = Loaders(parts.engine)
    for event in events:
        if not feed.wants(event):
            continue
        if after.window.sees(event.xid):
            cursor = EventCursor(after.before, after.window, event.id, now)
        else:
            cursor = EventCursor(after.window, fresh, event.id, now)
        yield Delivery(event, cursor, loaders)
