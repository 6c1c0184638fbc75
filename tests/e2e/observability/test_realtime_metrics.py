"""The realtime metrics over real websockets: open connections and subscriptions go up and
back down, each live event sent counts its lag once, and a lost listener counts a reconnect."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.engine import unit_of_work
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction
from salonbook.use_cases.seeding import take_action
from tests.e2e.observability.scrape import Reading, labels, scrape, scrape_until
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    EVENTS,
    caught_up,
    confirmed_bookings,
    listener,
    terminate_listener,
    until_feeds,
)

CONNECTIONS = "salonbook_websocket_connections"
SUBSCRIPTIONS = "salonbook_subscriptions_active"
LAG = "salonbook_event_delivery_lag_seconds"
RECONNECTS = "salonbook_listener_reconnects_total"


def idle(reading: Reading) -> bool:
    return reading.value(CONNECTIONS) == 0 and reading.value(SUBSCRIPTIONS) == 0


@pytest.fixture
async def quiet(http: httpx.AsyncClient) -> Reading:
    """A reading once the websockets of earlier tests are closed on the server side too."""
    return await scrape_until(http, idle)


async def test_connection_and_subscription_gauges_go_up_and_back_down(
    app: Starlette, http: httpx.AsyncClient, factory: Factory, live: str, quiet: Reading
) -> None:
    party = await factory.party()

    async with (
        ws_client(live, token=factory.token(party.admin)) as admin,
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.customer)),  # connected, no subscription
    ):
        await admin.subscribe(EVENTS, {})
        await stylist.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        await until_feeds(app, 2)
        during = await scrape(http)

    after = await scrape_until(http, idle)
    assert (during.value(CONNECTIONS), during.value(SUBSCRIPTIONS)) == (3, 2)
    assert after.moved(quiet, "salonbook_requests_total") == {
        labels(operation_type="subscription", outcome="ok"): 2
    }


async def test_each_live_event_sent_counts_its_lag_once(
    app: Starlette,
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    factory: Factory,
    live: str,
    quiet: Reading,
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 3)
    await caught_up(app)
    admin = Actor(party.admin.id, Role.ADMIN)
    seven_seconds_ago = factory.clock.now() - timedelta(seconds=7)  # the clock stands still

    async with ws_client(live, token=factory.token(party.admin)) as watcher:
        operation = await watcher.subscribe(
            EVENTS, {"filter": {"stylistId": str(party.stylist.id)}}
        )
        await until_feeds(app, 1)
        for booking in bookings:
            async with unit_of_work(engine) as connection:
                await take_action(
                    connection,
                    booking=booking.facts,
                    action=BookingAction.CANCEL,
                    actor=admin,
                    at=seven_seconds_ago,
                )
        received = await watcher.events(operation, len(bookings))
        after = await scrape_until(
            http, lambda r: r.value(f"{LAG}_count") >= quiet.value(f"{LAG}_count") + 3
        )

    assert [event["bookingId"] for event in received] == [str(b.id) for b in bookings]
    assert after.moved(quiet, f"{LAG}_count") == {labels(): 3}
    assert after.moved(quiet, f"{LAG}_sum") == {labels(): 21.0}
    assert after.moved(quiet, f"{LAG}_bucket") == {
        labels(le=le): 3 for le in ("10.0", "30.0", "60.0", "+Inf")
    }


async def test_a_lost_listener_connection_counts_one_reconnect(
    app: Starlette, http: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    backend = listener(app)
    before = await scrape(http)

    await terminate_listener(engine)
    after = await scrape_until(
        http,
        lambda r: (
            r.value(RECONNECTS, backend="postgres") > before.value(RECONNECTS, backend="postgres")
        ),
        within=15,
    )

    assert after.moved(before, RECONNECTS) == {labels(backend="postgres"): 1}
    assert after.value(RECONNECTS, backend="postgres") == backend.reconnects
