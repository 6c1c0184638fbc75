"""Our Redis backend against the machine's Redis: delivers, and comes back after its
subscription connection is killed, saying so (the tailer then reads the outbox)."""

from __future__ import annotations

import asyncio
import uuid

from redis import asyncio as redis

from salonbook.realtime.listener import RECONNECTED
from salonbook.realtime.redis_backend import RedisBackend

URL = "redis://127.0.0.1:6379/0"


async def test_delivers_and_recovers_from_a_killed_subscription() -> None:
    channel = f"salonbook-test-{uuid.uuid4().hex}"
    name = f"salonbook-test-{uuid.uuid4().hex[:8]}"
    backend = RedisBackend(URL, client_name=name, backoff_base=0.05)
    await backend.connect()
    admin = redis.Redis.from_url(URL)
    try:
        await backend.subscribe(channel)
        await backend.publish(channel, "one")
        first = await asyncio.wait_for(backend.next_published(), timeout=5)
        assert (first.channel, first.message) == (channel, "one")

        clients = await admin.client_list()
        (ours,) = [client for client in clients if client["name"] == name]
        assert await admin.client_kill_filter(_id=ours["id"]) == 1
        reconnected = await asyncio.wait_for(backend.next_published(), timeout=10)
        assert (reconnected.channel, reconnected.message) == (channel, RECONNECTED)
        assert backend.reconnects == 1

        await backend.publish(channel, "two")
        second = await asyncio.wait_for(backend.next_published(), timeout=5)
        assert (second.channel, second.message) == (channel, "two")
    finally:
        await backend.disconnect()
        await admin.aclose()
