"""One subscriber's view of the event stream: what it may and wants to see, a bounded queue,
and, once it has caught up, the live path the tailer writes to directly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from salonbook.db.events import EventKind
from salonbook.db.outbox import OutboxEvent, Snapshot
from salonbook.domain.changes import can_read_notes
from salonbook.domain.model import Actor, can_view
from salonbook.domain.schedules import sees_schedule_change
from salonbook.realtime.live import Writer
from salonbook.realtime.types import Delivery, LiveSink

log = logging.getLogger("salonbook.feed")


def may_see(viewer: Actor, event: OutboxEvent) -> bool:
    """A note's event goes to those who may read the booking's notes; a schedule change to
    those who may see that stylist's availability; any other event to those who may see the
    booking (the rules: salonbook/domain/)."""
    if event.kind is EventKind.SCHEDULE_CHANGED:
        return sees_schedule_change(viewer, stylist_id=event.stylist_id)
    customer_id, stylist_id = event.customer_id, event.stylist_id
    if customer_id is None or stylist_id is None:  # the outbox's CHECK: never for a booking's
        return False
    parties = BookingParties(customer_id=customer_id, stylist_id=stylist_id)
    if event.kind is EventKind.NOTE_ADDED:
        return can_read_notes(viewer, parties)
    return can_view(viewer, parties)


@dataclass(frozen=True, slots=True)
class BookingParties:
    customer_id: UUID
    stylist_id: UUID


@dataclass(eq=False)
class Feed:
    viewer: Actor
    booking_id: UUID | None = None
    stylist_id: UUID | None = None
    capacity: int = 256
    queue: asyncio.Queue[Delivery] = field(init=False)
    overflowed: bool = field(default=False, init=False)
    seen_up_to: Snapshot | None = field(default=None, init=False)
    """Live events visible in this snapshot were already replayed: skip them."""
    sink: LiveSink | None = field(default=None, init=False)
    """Set while the feed is live: the tailer writes its events to the socket itself."""
    _writer: Writer | None = field(default=None, init=False)
    _sent: Callable[[Delivery], None] | None = field(default=None, init=False)
    _woken: asyncio.Future[None] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.capacity)

    def wants(self, event: OutboxEvent) -> bool:
        if self.booking_id is not None and event.booking_id != self.booking_id:
            return False
        if self.stylist_id is not None and event.stylist_id not in (self.stylist_id, None):
            return False  # none: a salon-wide schedule change, which is every stylist's
        return may_see(self.viewer, event)

    def replayed(self, event: OutboxEvent) -> bool:
        return self.seen_up_to is not None and self.seen_up_to.sees(event.xid)

    def offer(self, delivery: Delivery) -> None:
        """Queue the delivery if wanted; a full queue means the consumer is too slow: drop
        what it has queued and flag it, so it gets RESYNC_REQUIRED instead of unbounded memory."""
        if self.overflowed or not self.wants(delivery.event):
            return
        try:
            self.queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self.overflowed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(delivery)  # wakes the consumer, which sees the flag first

    def take_overflow(self) -> bool:
        """True once after an overflow: the consumer owes a RESYNC_REQUIRED, which covers
        whatever is still queued."""
        if not self.overflowed:
            return False
        self.overflowed = False
        while not self.queue.empty():
            self.queue.get_nowait()
        return True

    async def live(self, sink: LiveSink, *, sent: Callable[[Delivery], None] | None = None) -> None:
        """Let the tailer write this feed's events to the subscriber's socket itself, until it
        needs the consumer again: a RESYNC_REQUIRED is due, or an event takes the queue. Only
        with nothing queued, so that the consumer's messages and the tailer's keep their order.
        `sent` is told each event handed to the socket."""
        assert self.queue.empty() and not self.overflowed
        self._woken = asyncio.get_running_loop().create_future()
        self._writer = Writer(sink.send, capacity=self.capacity, failed=self._write_failed)
        self._sent = sent
        self.sink = sink
        try:
            await self._woken
            await self._writer.drained()  # what the tailer wrote goes before the consumer's own
        finally:
            self.sink = None
            self._writer.stop()
            self._writer = self._woken = None

    def deliver(self, delivery: Delivery, payload: str | BaseException) -> None:
        """The tailer's live delivery of an event this feed wants, rendered for its group."""
        sink, writer = self.sink, self._writer
        if sink is None or writer is None:  # no longer live: the consumer reads its queue
            self.offer(delivery)
            return
        if isinstance(payload, BaseException):  # the consumer's own path runs it again
            self._to_queue(delivery)
            return
        if not sink.is_open():
            return
        try:
            written = writer.write(sink.prefix + payload + "}")
        except Exception:  # not written: the consumer's path meets the same socket
            self._to_queue(delivery)
            return
        if not written:
            self.overflowed = True
            writer.stop()
            self._wake()
        elif self._sent is not None:
            self._sent(delivery)

    def _to_queue(self, delivery: Delivery) -> None:
        self._wake()
        self.offer(delivery)

    def _write_failed(self, error: BaseException) -> None:
        log.debug("live write failed: %r", error)
        self._wake()

    def _wake(self) -> None:
        self.sink = None
        if self._woken is not None and not self._woken.done():
            self._woken.set_result(None)
