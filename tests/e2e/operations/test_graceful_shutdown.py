"""Stopping the server (what SIGTERM does to `salonbook serve`): it stops accepting, closes
websockets with 1001 (going away), lets an in-flight request finish, then shuts the app down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
import pytest
import uvicorn
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.urls import plain_url
from salonbook.domain.clock import SettableClock
from salonbook.serving import GracefulServer, graceful_server
from tests.support.factory import Factory
from tests.support.live import Closed, ws_client

EVENTS = "subscription { bookingEvents(filter: {}) { kind bookingId } }"


@pytest.fixture
async def stoppable(database_url: str, clock: SettableClock) -> AsyncIterator[Starlette]:
    settings = Settings(DATABASE_URL=plain_url(database_url), SALONBOOK_SWEEP_SECONDS=0)  # type: ignore[call-arg]
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


async def started(server: GracefulServer) -> tuple[asyncio.Task[None], int]:
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return task, server.servers[0].sockets[0].getsockname()[1]


async def test_stopping_closes_websockets_with_1001_and_finishes_requests(
    stoppable: Starlette, factory: Factory
) -> None:
    party = await factory.party()
    token = factory.token(party.admin)
    config = uvicorn.Config(
        stoppable, host="127.0.0.1", port=0, lifespan="off", log_level="warning"
    )
    server = graceful_server(config)
    task, port = await started(server)
    body = orjson.dumps({"query": "{ me { id role } }"})
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: salonbook.test\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body[:5]
    )
    await writer.drain()
    async with ws_client(f"127.0.0.1:{port}", token=token) as client:
        await client.subscribe(EVENTS)
        server.should_exit = True  # what uvicorn's SIGTERM handler does
        closed = await asyncio.wait_for(client.closed, timeout=10)
    assert isinstance(closed, Closed)
    assert (closed.code, closed.reason) == (1001, "server shutting down")
    with pytest.raises(OSError):  # no new connections once stopping
        await asyncio.open_connection("127.0.0.1", port)

    writer.write(body[5:])  # the request that was in flight completes
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=10)  # and then the server hangs up
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"connection: close" in head.lower()
    assert orjson.loads(payload) == {"data": {"me": {"id": str(party.admin.id), "role": "ADMIN"}}}
    writer.close()
    await asyncio.wait_for(task, timeout=10)
