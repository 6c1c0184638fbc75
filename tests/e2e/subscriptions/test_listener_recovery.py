"""Killing the LISTEN connection while changes keep committing loses nothing: the listener
reconnects, and the tailer reads what was committed meanwhile from the outbox."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    EVENTS,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    listener,
    tailer,
    terminate_listener,
    until_feeds,
)


async def test_every_subscriber_gets_every_event_once_across_listener_deaths(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 30)
    backend = listener(app)
    reconnects = backend.reconnects
    await caught_up(app)
    feeds = tailer(app).feed_count
    tokens = [
        factory.token(party.admin),
        factory.token(party.stylist),
        factory.token(party.customer),
    ]

    async def commit_all() -> None:
        for n, booking in enumerate(bookings):
            # the last kill comes right before the last commit: its NOTIFY is lost for sure,
            # so only the reconnect's outbox read (not a later notification) can deliver it
            if n in (5, len(bookings) - 1):
                await terminate_listener(engine)
            await cancel_committed(engine, party, booking, factory)
            await asyncio.sleep(0.02)

    async with (
        ws_client(live, token=tokens[0]) as admin,
        ws_client(live, token=tokens[1]) as stylist,
        ws_client(live, token=tokens[2]) as customer,
    ):
        mine = {"filter": {"stylistId": str(party.stylist.id)}}
        operations = [
            (admin, await admin.subscribe(EVENTS, mine)),
            (stylist, await stylist.subscribe(EVENTS, {})),
            (customer, await customer.subscribe(EVENTS, {})),
        ]
        await until_feeds(app, feeds + 3)
        await commit_all()
        expected = [str(booking.id) for booking in bookings]
        for client, operation in operations:
            received = [e["bookingId"] for e in await client.events(operation, len(bookings))]
            assert sorted(received) == sorted(expected)
            assert len(set(received)) == len(received)
            await client.silence(operation)
    assert backend.reconnects == reconnects + 2
