"""The values the realtime modules pass each other: what travels to subscribers (a Delivery, or a
Resync) and where a caught-up subscriber's events go (a LiveSink)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from salonbook.db.loaders import Loaders
from salonbook.db.outbox import OutboxEvent
from salonbook.realtime.cursor import EventCursor


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox event on its way to subscribers, with the loaders its window shares: what
    subscribers select is loaded once per event, whatever their number; and the results
    already computed for it (see salonbook/api/subscriptions/shared_results.py)."""

    event: OutboxEvent
    cursor: EventCursor
    loaders: Loaders
    results: dict[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Resync:
    """A gap cannot be ruled out: refetch, then carry on from `cursor`."""

    cursor: EventCursor
    occurred_at: datetime


Item = Delivery | Resync

Send = Callable[[str], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True, eq=False)
class LiveSink:
    """Where a caught-up subscriber's events go."""

    group: Hashable
    """Subscribers of one group get the same message for an event, but for the operation id."""
    render: Callable[[Delivery], Awaitable[str]]
    """The `payload` of the message for an event, as JSON text; run once per group and event."""
    prefix: str
    """The message up to its payload: `{"id":…,"type":"next","payload":`."""
    send: Send
    """Writes one text message to the subscriber's socket."""
    is_open: Callable[[], bool]
    """False once the client completed the operation (its task is being cancelled)."""
