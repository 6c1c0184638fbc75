"""The outbox tailer: one per server process. Notifications only wake it; it reads the outbox
window since its last snapshot and fans each event out in memory to the feeds that want it:
into the queues of those catching up, and straight to the sockets of those that are live, each
event executed and encoded once per group of live subscribers asking the same thing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Hashable, Sequence
from datetime import timedelta

from broadcaster import Broadcast
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.background_loops import unless_stopping
from salonbook.db import outbox
from salonbook.db.guards import EVENTS_CHANNEL
from salonbook.db.loaders import Loaders
from salonbook.db.outbox import Snapshot
from salonbook.domain.clock import Clock
from salonbook.realtime.cursor import EventCursor
from salonbook.realtime.feed import Feed
from salonbook.realtime.types import Delivery

log = logging.getLogger("salonbook.tailer")

RETRY_BASE_SECONDS = 0.25
RETRY_MAX_SECONDS = 2.0
WRITES_PER_TURN = 500
"""Live writes between two turns of the event loop: writing one event to thousands of
subscribers takes long enough that requests and pongs should not wait for all of it
(docs/benchmarks.md)."""


class Tailer:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        broadcast: Broadcast,
        clock: Clock,
        retention: timedelta,
        poll_interval: float = 5.0,
        purge_interval: float = 3600.0,
    ) -> None:
        self._engine = engine
        self._broadcast = broadcast
        self._clock = clock
        self._poll_interval = poll_interval
        self._retention = retention
        self._purge_interval = purge_interval
        self._feeds: set[Feed] = set()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self.position: Snapshot | None = None
        self.windows_read = 0

    async def start(self) -> None:
        self.position = await outbox.current_snapshot(self._engine)
        self._tasks = [
            asyncio.create_task(self._listen(), name="salonbook-wakeups"),
            asyncio.create_task(self._run(), name="salonbook-tailer"),
            asyncio.create_task(self._purge(), name="salonbook-outbox-purge"),
        ]
        await asyncio.wait_for(self._subscribed.wait(), timeout=30)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def register(self, feed: Feed) -> None:
        self._feeds.add(feed)

    def unregister(self, feed: Feed) -> None:
        self._feeds.discard(feed)

    @property
    def feed_count(self) -> int:
        return len(self._feeds)

    def wake(self) -> None:
        self._wake.set()

    def here(self) -> EventCursor:
        """A cursor for 'now': everything the tailer has read so far."""
        assert self.position is not None
        return EventCursor(self.position, self.position, 0, self._clock.now())

    async def _listen(self) -> None:
        # One subscription for the whole process, taken once at start: broadcaster's
        # first-subscriber bookkeeping is never raced by concurrent GraphQL subscriptions.
        async with self._broadcast.subscribe(EVENTS_CHANNEL) as subscriber:
            self._subscribed.set()
            async for _ in subscriber:  # type: ignore[union-attr]
                self._wake.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_interval)
            self._wake.clear()  # a burst of notifications costs one read
            try:
                await self._advance()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database is away: retry with backoff
                unless_stopping(error)
                delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**failures)
                failures += 1
                log.warning(
                    "reading the outbox failed (%s); retrying in %.1f s",
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                self._wake.set()

    async def _purge(self) -> None:
        while True:
            try:
                gone = await outbox.purge(
                    self._engine, now=self._clock.now(), retention=self._retention
                )
                if gone:
                    log.info("purged %d outbox events older than the retention", gone)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                unless_stopping(error)
                log.warning("purging the outbox failed", exc_info=True)
            await asyncio.sleep(self._purge_interval)

    async def _advance(self) -> None:
        before = self.position
        assert before is not None
        async with self._engine.connect() as connection:  # one statement: no BEGIN/ROLLBACK
            after, events, booked = await outbox.read_window(connection, before=before)
        self.windows_read += 1
        if not events:
            self.position = after
            return
        loaders = Loaders(self._engine)
        loaders.booking.prime_many(booked)  # read with the events: no round trip to render
        now = self._clock.now()
        deliveries = [
            Delivery(event, EventCursor(before, after, event.id, now), loaders) for event in events
        ]
        live = _fan_out(deliveries, list(self._feeds))
        self.position = after
        if live:
            await _deliver_live(live)


LiveGroups = list[tuple[Delivery, dict[Hashable, list[Feed]]]]


def _fan_out(deliveries: Sequence[Delivery], feeds: Sequence[Feed]) -> LiveGroups:
    """Queue each delivery for the feeds catching up; group the live feeds that want it by
    what they ask for (in commit order)."""
    live: LiveGroups = []
    for delivery in deliveries:
        event = delivery.event
        groups: dict[Hashable, list[Feed]] = {}
        for feed in feeds:
            sink = feed.sink
            if sink is None:
                feed.offer(delivery)
            elif feed.wants(event) and not feed.replayed(event):
                members = groups.get(sink.group)
                if members is None:
                    groups[sink.group] = [feed]
                else:
                    members.append(feed)
        if groups:
            live.append((delivery, groups))
    return live


async def _deliver_live(live: LiveGroups) -> None:
    """Render every (event, group) once, all together (their loads share batches), then write
    them in commit order."""
    renders = []
    for delivery, groups in live:
        for members in groups.values():
            sink = members[0].sink
            assert sink is not None
            renders.append(sink.render(delivery))
    payloads = iter(await asyncio.gather(*renders, return_exceptions=True))
    written = 0
    for delivery, groups in live:
        for members in groups.values():
            payload = next(payloads)
            if isinstance(payload, BaseException):
                log.warning(
                    "rendering event %d live failed (%s); %d subscriber(s) take their own path",
                    delivery.event.id,
                    type(payload).__name__,
                    len(members),
                )
            for feed in members:
                feed.deliver(delivery, payload)
                written += 1
                if written % WRITES_PER_TURN == 0:
                    await asyncio.sleep(0)
