"""A reconnect storm at a scale CI affords: 300 dashboards, each a different person, connect at
once to a server process whose pool has 2 connections, each resuming from a page's
eventsCursor. Every one ends up subscribed (some after being told 1013, try again later, and
retrying), gets every change committed since the cursor exactly once and in order, the ones
made during the storm included; live delivery to a subscriber already there stays prompt,
/readyz stays 200, and the server's log has no stack trace."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.domain.roles import Role
from tests.support.factory import Factory, Party
from tests.support.live import Closed, WsClient, ws_client
from tests.support.processes import ServerProcess, server_environment, servers
from tests.support.streams import EVENTS, cancel_committed, confirmed_bookings

DASHBOARDS = 300
ATTEMPTS = 6
"""graphql-ws's client: 5 retries by default, after 1, 2, 4, 8, 16 s and 0.3-3 s at random."""
CURSOR = "{ bookings(first: 1) { eventsCursor } }"
LAG_BOUND_SECONDS = 5.0
"""Commit to delivery for a subscriber already live, during the storm (a loaded 2-CPU machine
takes well under a second: the tailer reads on a pool of its own)."""


class Dashboard:
    def __init__(self, token: str) -> None:
        self.token = token
        self.refusals: list[int | None] = []
        self.client: WsClient | None = None
        self.operation = ""

    async def open(
        self, base: str, stack: contextlib.AsyncExitStack, after: str, first: str
    ) -> None:
        """Connect and subscribe from `after` until the replay brings `first`; after a 1013,
        again after a randomised pause (as graphql-ws clients do)."""
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(2 ** (attempt - 1) + random.uniform(0.3, 3.0))
            try:
                client = await stack.enter_async_context(
                    ws_client(base, token=self.token, within=30)
                )
                operation = await client.subscribe(EVENTS, {"after": after})
                message = await client.next(operation, within=30)
            except Closed as closed:
                self.refusals.append(closed.code)
                continue
            assert message["type"] == "next", message
            assert message["payload"]["data"]["bookingEvents"]["bookingId"] == first
            self.client, self.operation = client, operation
            return
        raise AssertionError(f"not subscribed after {ATTEMPTS} attempts: {self.refusals}")

    async def rest(self, last: str) -> list[str]:
        """The booking ids of the events after the first, up to `last`."""
        assert self.client is not None
        seen: list[str] = []
        while not seen or seen[-1] != last:
            (event,) = await self.client.events(self.operation, 1, within=30)
            seen.append(event["bookingId"])
        return seen


async def changes_during(
    engine: AsyncEngine, factory: Factory, party: Party, bookings: list[Booking],
    observer: WsClient, operation: str, storm: asyncio.Future[Any],
) -> tuple[list[str], list[float]]:  # fmt: skip
    """Cancel one booking every 0.3 s until the storm is over; the ids, and how long each took
    to reach the observer."""
    made: list[str] = []
    lags: list[float] = []
    for booking in bookings:
        if storm.done():
            break
        committed = time.monotonic()
        await cancel_committed(engine, party, booking, factory)
        (event,) = await observer.events(operation, 1, within=30)
        assert event["bookingId"] == str(booking.id)
        lags.append(time.monotonic() - committed)
        made.append(str(booking.id))
        await asyncio.sleep(0.3)
    return made, lags


async def readiness(base: str, stop: asyncio.Event) -> list[int]:
    found = []
    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=5) as http:
        while not stop.is_set():
            try:
                found.append((await http.get("/readyz")).status_code)
            except httpx.HTTPError:
                found.append(0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.2)
    return found


async def test_a_storm_of_dashboards_ends_with_every_one_subscribed_and_nothing_lost(
    database_url: str, engine: AsyncEngine, factory: Factory, tmp_path: Path
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 42)
    marker, last, during = bookings[0], bookings[1], bookings[2:]
    tokens = [factory.token(await factory.person(Role.ADMIN)) for _ in range(DASHBOARDS)]
    environment = server_environment(database_url=database_url, broadcast_url=None)
    environment["SALONBOOK_DB_POOL_SIZE"] = "2"  # one admission slot
    environment["SALONBOOK_DB_CONNECT_TIMEOUT_SECONDS"] = "1"  # a slot waited for 0.5 s
    async with (
        servers(("storm",), environment=environment, logs=tmp_path) as (server,),
        contextlib.AsyncExitStack() as stack,
    ):
        after = await cursor_on(server, factory.token(party.admin))
        observer = await stack.enter_async_context(
            ws_client(server.base, token=factory.token(party.admin))
        )
        follows = await observer.subscribe(EVENTS, {})
        await cancel_committed(engine, party, marker, factory)
        assert (await observer.events(follows, 1, within=10))[0]["bookingId"] == str(marker.id)
        dashboards = [Dashboard(token) for token in tokens]
        stop = asyncio.Event()
        probes = asyncio.ensure_future(readiness(server.base, stop))
        storm = asyncio.gather(
            *(d.open(server.base, stack, after, str(marker.id)) for d in dashboards)
        )
        made, lags = await changes_during(engine, factory, party, during, observer, follows, storm)
        await storm
        stop.set()
        await cancel_committed(engine, party, last, factory)
        expected = [*made, str(last.id)]
        received = await asyncio.gather(*(d.rest(str(last.id)) for d in dashboards))
        log = server.log.read_text(errors="replace")
    assert all(seen == expected for seen in received)
    assert {code for d in dashboards for code in d.refusals} <= {1013}
    assert max(lags) < LAG_BOUND_SECONDS, lags
    assert set(await probes) == {200}
    assert "Traceback" not in log
    assert "closed with 1011" not in log


async def cursor_on(server: ServerProcess, token: str) -> str:
    body = await server.gql(CURSOR, token=token)
    cursor: str = body["data"]["bookings"]["eventsCursor"]
    return cursor
