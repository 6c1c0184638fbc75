"""One subscriber's view of the event stream: what it may and wants to see, a bounded queue."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from salonbook.db.events import EventKind
from salonbook.db.outbox import OutboxEvent, Snapshot
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.schema.loaders import Loaders
from salonbook.subscriptions.cursor import EventCursor


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox event on its way to subscribers, with the loaders its window shares: what
    subscribers select is loaded once per event, whatever their number; and the results
    already computed for it (see salonbook/schema/shared_events.py)."""

    event: OutboxEvent
    cursor: EventCursor
    loaders: Loaders
    results: dict[Any, Any] = field(default_factory=dict)


def may_see(viewer: Actor, event: OutboxEvent) -> bool:
    if event.kind is EventKind.NOTE_ADDED and viewer.role in (Role.CUSTOMER, Role.SYSTEM):
        return False
    if viewer.role.sees_everything:
        return True
    if viewer.role is Role.CUSTOMER:
        return event.customer_id == viewer.person_id
    return event.stylist_id == viewer.person_id


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

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.capacity)

    def wants(self, event: OutboxEvent) -> bool:
        if self.booking_id is not None and event.booking_id != self.booking_id:
            return False
        if self.stylist_id is not None and event.stylist_id != self.stylist_id:
            return False
        return may_see(self.viewer, event)

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
