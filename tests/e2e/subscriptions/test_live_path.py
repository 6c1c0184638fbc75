"""Caught-up subscribers are live: the tailer writes their events itself, once rendered per
group, each message carrying its own operation id; a completed operation gets nothing more, and
an event the live path cannot render still arrives, through the subscriber's own path."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.api.subscriptions import transport as live_events
from salonbook.realtime import tailer as tailer_module
from salonbook.realtime.feed import Feed
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    EVENTS,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)


def live_feeds(app: Starlette) -> list[Feed]:
    return [feed for feed in tailer(app)._feeds if feed.sink is not None]


async def test_two_operations_of_one_socket_each_get_their_own_messages(
    app: Starlette,
    engine: AsyncEngine,
    factory: Factory,
    live: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tailer_module, "WRITES_PER_TURN", 1)  # the loop turns between writes
    party = await factory.party()
    first, second = await confirmed_bookings(factory, party, 2)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    await caught_up(app)
    feeds, already_live = tailer(app).feed_count, len(live_feeds(app))
    async with ws_client(live, token=factory.token(party.admin)) as admin:
        one = await admin.subscribe(EVENTS, mine)
        two = await admin.subscribe(EVENTS, mine)
        await until_feeds(app, feeds + 2)
        assert len(live_feeds(app)) == already_live + 2
        await cancel_committed(engine, party, first, factory)
        expected = {"kind": "STATUS_CHANGED", "bookingId": str(first.id)}
        for operation in (one, two):
            (event,) = await admin.events(operation, 1)
            assert {k: event[k] for k in expected} == expected
            assert event["booking"] == {"status": "CANCELLED"}

        await admin.complete(one)
        async with asyncio.timeout(5):
            while tailer(app).feed_count > feeds + 1:  # noqa: ASYNC110 (server state)
                await asyncio.sleep(0.005)
        await cancel_committed(engine, party, second, factory)
        (event,) = await admin.events(two, 1)
        assert event["bookingId"] == str(second.id)
        await admin.silence(one)


async def test_an_event_the_live_path_cannot_render_takes_the_subscribers_own_path(
    app: Starlette,
    engine: AsyncEngine,
    factory: Factory,
    live: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    party = await factory.party()
    failing, after = await confirmed_bookings(factory, party, 2)
    real = live_events.encode_payload
    failures: list[str] = []

    def encode_once_failing(result: Any) -> str:
        booking_id = result.data["bookingEvents"]["bookingId"]
        if booking_id == str(failing.id) and not failures:
            failures.append(booking_id)
            raise RuntimeError("cannot encode")
        return real(result)

    monkeypatch.setattr(live_events, "encode_payload", encode_once_failing)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=factory.token(party.stylist)) as stylist:
        operation = await stylist.subscribe(EVENTS, {})
        await until_feeds(app, feeds + 1)
        (feed,) = [f for f in live_feeds(app) if f.viewer.person_id == party.stylist.id]
        await cancel_committed(engine, party, failing, factory)
        (event,) = await stylist.events(operation, 1)
        assert (event["bookingId"], event["booking"]) == (str(failing.id), {"status": "CANCELLED"})
        assert failures == [str(failing.id)]

        async with asyncio.timeout(5):
            while feed.sink is None:  # noqa: ASYNC110 (server state: live again once caught up)
                await asyncio.sleep(0.005)
        await cancel_committed(engine, party, after, factory)
        (event,) = await stylist.events(operation, 1)
        assert event["bookingId"] == str(after.id)
        await stylist.silence(operation)
