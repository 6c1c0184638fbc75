"""Our Redis backend for broadcaster, for many server processes behind a balancer.

broadcaster 0.3.1's own Redis backend can lose its very first subscription (it marks itself
ready before redis-py has subscribed, and its listener then waits forever) and never reconnects.
This one subscribes before it listens, reconnects with backoff, and after a reconnect emits a
`reconnected` message so the tailer reads the outbox for whatever it missed."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from broadcaster import BroadcastBackend, Event
from redis import asyncio as redis
from redis.exceptions import RedisError

from salonbook.realtime.listener import RECONNECTED

log = logging.getLogger("salonbook.redis")


class RedisBackend(BroadcastBackend):
    def __init__(
        self,
        url: str,
        *,
        client_name: str = "salonbook-listener",
        backoff_base: float = 0.1,
        backoff_max: float = 5.0,
    ) -> None:
        self._url = url
        self._client_name = client_name
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._publisher: redis.Redis = redis.Redis.from_url(url)
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._channels: set[str] = set()
        self._changed = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.reconnects = 0

    async def connect(self) -> None:
        await self._publisher.ping()
        self._supervisor = asyncio.create_task(self._supervise(), name="salonbook-redis")

    async def disconnect(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        await self._publisher.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        self._changed.set()
        await asyncio.wait_for(self.connected.wait(), timeout=30)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        self._changed.set()

    async def publish(self, channel: str, message: Any) -> None:
        await self._publisher.publish(channel, message)

    async def next_published(self) -> Event:
        return await self._queue.get()

    async def _supervise(self) -> None:
        attempt, lost = 0, False
        while True:
            pubsub = redis.Redis.from_url(self._url, client_name=self._client_name).pubsub()
            try:
                await self._changed.wait()
                subscribed = set(self._channels)
                self._changed.clear()
                await pubsub.subscribe(*subscribed)
                self.connected.set()
                if lost:
                    self.reconnects += 1
                    log.info("redis subscription restored (%d)", self.reconnects)
                    for channel in subscribed:
                        self._queue.put_nowait(Event(channel, RECONNECTED))
                lost, attempt = False, 0
                while not self._changed.is_set():
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message["type"] == "message":
                        self._queue.put_nowait(
                            Event(message["channel"].decode(), message["data"].decode())
                        )
                continue  # the channel set changed: subscribe afresh
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                lost = True
                log.warning("redis subscription lost: %s", type(error).__name__)
            finally:
                self.connected.clear()
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            delay = min(self._backoff_max, self._backoff_base * 2**attempt)
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            attempt += 1
            self._changed.set()
