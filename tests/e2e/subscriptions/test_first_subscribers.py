"""Many first subscriptions at once on a freshly started server all receive every event."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from tests.support.factory import Factory
from tests.support.live import WsClient, serve, ws_client
from tests.support.streams import (
    EVENTS,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)

SUBSCRIBERS = 30


async def test_concurrent_first_subscriptions_on_a_fresh_server_all_deliver(
    settings: Settings, clock: SettableClock, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    first, second = await confirmed_bookings(factory, party, 2)
    fresh = create_app(settings, clock=clock)
    async with fresh.router.lifespan_context(fresh), serve(fresh) as base:
        await caught_up(fresh)
        async with contextlib.AsyncExitStack() as stack:
            tokens = [factory.token(party.admin)] * SUBSCRIBERS
            clients: list[WsClient] = await asyncio.gather(
                *(stack.enter_async_context(ws_client(base, token=t)) for t in tokens)
            )
            mine = {"filter": {"stylistId": str(party.stylist.id)}}
            operations = await asyncio.gather(*(c.subscribe(EVENTS, mine) for c in clients))
            await until_feeds(fresh, SUBSCRIBERS)
            assert tailer(fresh).feed_count == SUBSCRIBERS
            await cancel_committed(engine, party, first, factory)
            await cancel_committed(engine, party, second, factory)
            for client, operation in zip(clients, operations, strict=True):
                received = await client.events(operation, 2)
                assert [e["bookingId"] for e in received] == [str(first.id), str(second.id)]
