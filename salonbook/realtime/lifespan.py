"""Opening the realtime parts: a broadcaster Broadcast (our LISTEN backend by default, Redis on
request) and the tailer that turns its wake-ups into outbox reads."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from broadcaster import Broadcast
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.db.guards import EVENTS_CHANNEL
from salonbook.db.urls import plain_url
from salonbook.domain.clock import Clock
from salonbook.realtime.admission import WAIT_SECONDS, Admission, slots_for
from salonbook.realtime.cursor import CursorCodec
from salonbook.realtime.delivery import StreamParts
from salonbook.realtime.listener import PostgresListenBackend
from salonbook.realtime.tailer import Tailer
from salonbook.use_cases.deps import Deps

if TYPE_CHECKING:
    from salonbook.realtime.redis_backend import RedisBackend

log = logging.getLogger("salonbook.realtime")


def uses_redis(settings: Settings) -> bool:
    return (settings.broadcast_url or "").startswith(("redis://", "rediss://"))


def make_listener(settings: Settings, *, url: str) -> PostgresListenBackend | RedisBackend:
    if settings.broadcast_url and uses_redis(settings):
        # imported here: redis is an optional extra, installed only where it is used
        from salonbook.realtime.redis_backend import RedisBackend

        return RedisBackend(settings.broadcast_url)
    return PostgresListenBackend(plain_url(url))


RESERVED_CONNECTIONS = 2
"""A pool of its own for the tailer (its outbox reads, the loads of live events, the purge)
and readiness, besides the LISTEN connection: a storm of websockets that runs the main pool
dry neither stalls live delivery nor makes the process look dead (salonbook/workers/budget.py
counts them)."""


@contextlib.asynccontextmanager
async def realtime(
    settings: Settings,
    *,
    url: str,
    engine: AsyncEngine,
    clock: Clock,
    deps: Deps,
    sent: Callable[[float], None] | None = None,
) -> AsyncIterator[StreamParts]:
    reserved = create_engine(
        url,
        pool_size=RESERVED_CONNECTIONS,
        statement_timeout_ms=settings.statement_timeout_ms,
        connect_timeout=settings.db_connect_timeout_seconds,
        # the first read after a quiet spell is a live event's: no ping (three round trips)
        # before it; a dead connection fails the read, which the tailer retries on a fresh one
        ping_after_idle=None,
    )
    listener = make_listener(settings, url=url)
    broadcast = Broadcast(backend=listener)
    retention = timedelta(hours=settings.outbox_retention_hours)
    await broadcast.connect()
    tailer = Tailer(
        engine=reserved,
        broadcast=broadcast,
        clock=clock,
        retention=retention,
        poll_interval=settings.realtime_poll_seconds,
    )
    try:
        await tailer.start()
        if uses_redis(settings):
            # Redis hears nothing from PostgreSQL: each committed change is announced there
            # by the process that made it; the periodic outbox read covers a lost announcement.
            async def announce() -> None:
                try:
                    await broadcast.publish(EVENTS_CHANNEL, "committed")
                except Exception:
                    log.warning("could not announce a change on redis", exc_info=True)

            deps.announcers.append(announce)
        yield StreamParts(
            engine=engine,
            tailer=tailer,
            clock=clock,
            retention=retention,
            cursors=CursorCodec(settings.cursor_key),
            capacity=settings.subscriber_queue_size,
            listener=listener,
            sent=sent,
            admission=Admission(
                slots=slots_for(settings.db_pool_size),
                wait=min(WAIT_SECONDS, settings.db_connect_timeout_seconds / 2),
            ),
            reserved=reserved,
        )
    finally:
        await tailer.stop()
        await broadcast.disconnect()
        await reserved.dispose()
