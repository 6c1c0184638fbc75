"""Hearing the people channel (a person's stored role changed) on the process's PostgreSQL LISTEN
connection: the realtime listener's when it is ours, one of its own when Redis is the broadcast
(Redis hears nothing from PostgreSQL, and an operator's UPDATE is announced by no process)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from salonbook.db.people import PEOPLE_CHANNEL
from salonbook.db.urls import plain_url
from salonbook.realtime.listener import ChannelWatcher, PostgresListenBackend


@contextlib.asynccontextmanager
async def people_changes_heard(
    listener: object, *, url: str, watcher: ChannelWatcher
) -> AsyncIterator[None]:
    """`watcher` hears PEOPLE_CHANNEL while this is entered, and is told `lost` on the way
    out."""
    if isinstance(listener, PostgresListenBackend):
        await listener.watch(PEOPLE_CHANNEL, watcher)
        try:
            yield
        finally:
            await listener.unwatch(PEOPLE_CHANNEL)
        return
    own = PostgresListenBackend(plain_url(url))
    await own.watch(PEOPLE_CHANNEL, watcher)
    await own.connect()
    try:
        yield
    finally:
        await own.disconnect()
