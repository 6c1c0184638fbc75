"""The database goes away and comes back: requests answer at once with SERVICE_UNAVAILABLE
(retryable, nothing of the failure leaked), /readyz is red, and everything recovers by itself,
websocket subscribers included. Tested by stopping and starting a real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.domain.clock import SettableClock
from tests.e2e.operations.owned_postgres import OwnedPostgres, owned_postgres
from tests.e2e.transitions.transition_calls import TRANSITION
from tests.support.api import Api
from tests.support.factory import ApiFactory, Party
from tests.support.live import Closed, serve, ws_client
from tests.support.streams import caught_up, tailer, until_feeds

UNAVAILABLE = {"code": "SERVICE_UNAVAILABLE", "retryable": True}
EVENTS = """
subscription { bookingEvents(filter: {}) { kind bookingId booking { status } } }
"""


@dataclass
class Outage:
    postgres: OwnedPostgres
    app: Starlette
    http: httpx.AsyncClient
    base: str
    factory: ApiFactory


@pytest.fixture
async def outage(tmp_path: Path, clock: SettableClock) -> AsyncIterator[Outage]:
    async with owned_postgres(tmp_path) as postgres:
        settings = Settings(  # type: ignore[call-arg]
            DATABASE_URL=postgres.url,
            SALONBOOK_REALTIME_POLL_SECONDS=120,
            SALONBOOK_SWEEP_SECONDS=0,
        )
        app = create_app(settings, clock=clock)
        engine = create_engine(postgres.url, pool_size=2)
        async with (
            app.router.lifespan_context(app),
            serve(app) as base,
            httpx.AsyncClient(base_url=f"http://{base}", timeout=30) as http,
        ):
            api = Api(http=http, settings=settings)
            factory = ApiFactory(engine=engine, clock=clock, settings=settings, api=api)
            try:
                yield Outage(postgres, app, http, base, factory)
            finally:
                await engine.dispose()


async def transition(outage: Outage, party: Party, booking_id: str) -> httpx.Response:
    variables = {"input": {"bookingId": booking_id, "action": "CONFIRM"}}
    return await outage.factory.api.post(
        TRANSITION, variables, token=outage.factory.token(party.system)
    )


async def ready_again(http: httpx.AsyncClient) -> dict[str, Any]:
    """/readyz once it is green again (the test's own timeout bounds the wait)."""
    while True:
        response = await http.get("/readyz")
        if response.status_code == 200:
            body: dict[str, Any] = response.json()
            return body
        await asyncio.sleep(0.1)


async def listener_down(http: httpx.AsyncClient) -> dict[str, Any]:
    while True:
        response = await http.get("/readyz")
        assert response.status_code == 503, response.text
        body: dict[str, Any] = response.json()
        if body["checks"]["listener"] == "disconnected":
            return body
        await asyncio.sleep(0.05)


def assert_unavailable(response: httpx.Response, *, executed: str | None) -> None:
    """503 with Retry-After, whether the outage was met before execution (authenticating the
    caller: their stored role is read) or during it (then with the field's path, data null)."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "1"
    error: dict[str, Any] = {
        "message": "The service is temporarily unavailable; try again.",
        "extensions": UNAVAILABLE,
    }
    if executed is None:
        assert response.json() == {"errors": [error]}
        return
    error |= {"locations": [{"line": 1, "column": 3}], "path": [executed]}
    assert response.json() == {"data": {executed: None}, "errors": [error]}


async def test_requests_fail_fast_and_everything_recovers(outage: Outage) -> None:
    factory, http = outage.factory, outage.http
    party = await factory.party()
    booking = await factory.booking(party, starts_in=timedelta(days=2))
    later = await factory.booking(party, starts_in=timedelta(days=3))
    admin = factory.token(party.admin)
    assert (await http.get("/readyz")).json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "listener": "ok"},
    }

    await caught_up(outage.app)  # what was arranged above is not delivered
    feeds = tailer(outage.app).feed_count
    async with ws_client(outage.base, token=admin) as client:
        operation = await client.subscribe(EVENTS)
        await until_feeds(outage.app, feeds + 1)  # subscribed before the outage
        await outage.postgres.stop()

        me = await factory.api.post("{ me { id } }", token=admin)
        assert_unavailable(me, executed=None)
        with pytest.raises(Closed) as refused:  # not 4403: the token is fine
            async with ws_client(outage.base, token=admin):
                pass
        assert (refused.value.code, refused.value.reason) == (1013, "try again later")
        assert_unavailable(await transition(outage, party, str(booking.id)), executed=None)
        down = await listener_down(http)
        assert down == {
            "status": "unavailable",
            "checks": {
                "database": "unavailable",
                "migrations": "unknown",
                "listener": "disconnected",
            },
        }
        assert (await http.get("/healthz")).status_code == 200  # alive, only not ready

        await outage.postgres.start()
        assert (await ready_again(http))["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "listener": "ok",
        }
        confirmed = (await transition(outage, party, str(later.id))).json()
        assert confirmed["data"]["transitionBooking"]["booking"]["status"] == "CONFIRMED"
        # the booking refused during the outage was not touched: it confirms now, version 2
        retried = (await transition(outage, party, str(booking.id))).json()
        assert retried["data"]["transitionBooking"]["booking"]["version"] == 2
        events = await client.events(operation, 2, within=10)
        assert [(e["kind"], e["bookingId"]) for e in events] == [
            ("STATUS_CHANGED", str(later.id)),
            ("STATUS_CHANGED", str(booking.id)),
        ]
        await client.silence(operation)
