"""Our PostgreSQL backend for broadcaster: one dedicated LISTEN connection per process.

broadcaster's own Postgres backend never reconnects; this one notices a dead connection (a
termination listener, and a periodic ping for the deaths that go unannounced), reconnects with
backoff, LISTENs again, and then emits a `reconnected` message on every channel so the tailer
reads from the outbox what was committed while it was away. Nothing is published through it:
the outbox trigger NOTIFYs inside the writing transaction.

A channel can also be watched (`watch`): its notifications go straight to a ChannelWatcher, not
through broadcaster, which is told when listening starts (again) and when it stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from broadcaster import BroadcastBackend, Event

from salonbook.background_loops import unless_stopping

log = logging.getLogger("salonbook.listener")

RECONNECTED = "reconnected"
LISTENER_NAME = "salonbook-listener"


class ChannelWatcher(Protocol):
    def listening(self) -> None:
        """LISTEN is in place (again): whatever was sent while it was not went unheard."""

    def heard(self, payload: str) -> None: ...

    def lost(self) -> None:
        """No longer listening: nothing sent from now on is heard until `listening`."""


class PostgresListenBackend(BroadcastBackend):
    def __init__(
        self,
        dsn: str,
        *,
        ping_interval: float = 5.0,
        backoff_base: float = 0.1,
        backoff_max: float = 5.0,
    ) -> None:
        self._dsn = dsn
        self._ping_interval = ping_interval
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._channels: set[str] = set()
        self._watchers: dict[str, ChannelWatcher] = {}
        self._connection: Any = None
        self._supervisor: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.reconnects = 0

    async def connect(self) -> None:
        self._supervisor = asyncio.create_task(self._supervise(), name="salonbook-listener")
        await asyncio.wait_for(self.connected.wait(), timeout=30)

    async def disconnect(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        await self._close()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        if self._connection is not None and self.connected.is_set():
            await self._connection.add_listener(channel, self._on_notify)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self._connection is not None and self.connected.is_set():
            await self._connection.remove_listener(channel, self._on_notify)

    async def watch(self, channel: str, watcher: ChannelWatcher) -> None:
        """`watcher` hears `channel` from now on: at once if connected, else once connected."""
        self._watchers[channel] = watcher
        connection = self._connection
        if connection is None or not self.connected.is_set():
            return  # the supervisor LISTENs and tells the watcher when it connects
        try:
            await connection.add_listener(channel, self._on_notify)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return  # lost meanwhile: the supervisor tells the watcher when it is back
        if (
            connection is self._connection
            and self.connected.is_set()
            and not connection.is_closed()
        ):
            watcher.listening()

    async def unwatch(self, channel: str) -> None:
        watcher = self._watchers.pop(channel, None)
        if watcher is None:
            return
        watcher.lost()
        if self._connection is not None and self.connected.is_set():
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await self._connection.remove_listener(channel, self._on_notify)

    async def publish(self, channel: str, message: Any) -> None:
        raise NotImplementedError("publish with pg_notify inside the writing transaction")

    async def next_published(self) -> Event:
        return await self._queue.get()

    @property
    def backend_pid(self) -> int | None:
        """The server process of the LISTEN connection (tests terminate it)."""
        return self._connection.get_server_pid() if self._connection is not None else None

    def _on_notify(self, connection: object, pid: int, channel: str, payload: str) -> None:
        watcher = self._watchers.get(channel)
        if watcher is not None:
            watcher.heard(payload)
        else:
            self._queue.put_nowait(Event(channel, payload))

    def _lost(self) -> None:
        for watcher in list(self._watchers.values()):
            watcher.lost()

    async def _listen(self, connection: Any) -> None:
        """LISTEN on every channel, those subscribed or watched while this runs too."""
        done: set[str] = set()
        while pending := (self._channels | self._watchers.keys()) - done:
            for channel in pending:
                await connection.add_listener(channel, self._on_notify)
                done.add(channel)

    async def _supervise(self) -> None:
        attempt = 0
        first = True
        while True:
            lost = asyncio.Event()
            try:
                self._connection = await asyncpg.connect(
                    self._dsn, timeout=5, server_settings={"application_name": LISTENER_NAME}
                )

                def terminated(_: object, lost: asyncio.Event = lost) -> None:
                    lost.set()
                    self._lost()

                self._connection.add_termination_listener(terminated)
                await self._listen(self._connection)
                self.connected.set()
                for watcher in list(self._watchers.values()):
                    watcher.listening()
                if not first:
                    self.reconnects += 1
                    log.info("listener reconnected (%d)", self.reconnects)
                    for channel in self._channels:
                        self._queue.put_nowait(Event(channel, RECONNECTED))
                first, attempt = False, 0
                await self._watch(lost)
            except asyncio.CancelledError:
                raise
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                unless_stopping(error)
                log.warning("listener connection lost: %s", type(error).__name__)
            finally:
                self.connected.clear()
                self._lost()
                await self._close()
            delay = min(self._backoff_max, self._backoff_base * 2**attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            attempt += 1

    async def _watch(self, lost: asyncio.Event) -> None:
        """Return when the connection is gone: announced, or found by a ping that fails."""
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), timeout=self._ping_interval)
            except TimeoutError:
                await self._connection.fetchval("SELECT 1", timeout=self._ping_interval)

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            try:
                await asyncio.wait_for(connection.close(), timeout=2)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                connection.terminate()
