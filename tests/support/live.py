"""A real server on a real port, and a graphql-transport-ws client for it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect

from salonbook.serving import graceful_server

PROTOCOL = "graphql-transport-ws"


@contextlib.asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve an app whose lifespan is already running; yields its base URL (host:port)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        proxy_headers=False,  # as `salonbook serve` runs it
    )
    server = graceful_server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code = code
        self.reason = reason


@dataclass
class WsClient:
    """A graphql-transport-ws client: messages are sorted into one queue per operation id."""

    connection: ClientConnection
    queues: dict[str, asyncio.Queue[dict[str, Any]]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    closed: asyncio.Future[Closed] = field(default_factory=asyncio.Future)
    reader: asyncio.Task[None] | None = None

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        operation = str(next(self.ids))
        self.queues[operation] = asyncio.Queue()
        message = {
            "id": operation,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables or {}},
        }
        await self.connection.send(orjson.dumps(message).decode())
        return operation

    async def next(self, operation: str, within: float = 5.0) -> dict[str, Any]:
        """The next message for the operation (`next`, `error` or `complete`)."""
        getter: asyncio.Future[Any] = asyncio.ensure_future(self.queues[operation].get())
        waiting: set[asyncio.Future[Any]] = {getter, self.closed}
        done, _ = await asyncio.wait(waiting, timeout=within, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            message: dict[str, Any] = getter.result()
            return message
        getter.cancel()
        if self.closed in done:
            raise self.closed.result()
        raise TimeoutError(f"no message for operation {operation} within {within}s")

    async def events(self, operation: str, count: int, within: float = 5.0) -> list[dict[str, Any]]:
        """The next `count` events of a bookingEvents subscription."""
        found = []
        for _ in range(count):
            message = await self.next(operation, within)
            assert message["type"] == "next", message
            found.append(message["payload"]["data"]["bookingEvents"])
        return found

    async def silence(self, operation: str, seconds: float = 0.5) -> None:
        """Assert nothing arrives for the operation for a while."""
        try:
            message = await self.next(operation, within=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {message}")

    async def complete(self, operation: str) -> None:
        await self.connection.send(orjson.dumps({"id": operation, "type": "complete"}).decode())

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = orjson.loads(raw)
                if message.get("type") == "ping":
                    await self.connection.send('{"type": "pong"}')
                    continue
                queue = self.queues.get(message.get("id", ""))
                if queue is not None:
                    queue.put_nowait(message)
        finally:
            if not self.closed.done():
                self.closed.set_result(_closed(self.connection))


def _closed(connection: ClientConnection) -> Closed:
    return Closed(connection.close_code, connection.close_reason or "")


@contextlib.asynccontextmanager
async def ws_client(
    base: str,
    *,
    token: str | None,
    headers: dict[str, str] | None = None,
    within: float = 5.0,
) -> AsyncIterator[WsClient]:
    """Connect and initialise, the handshake and the ack each within `within` seconds; raises
    Closed if the server refuses the connection."""
    async with connect(
        f"ws://{base}/graphql",
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        additional_headers=headers,
        open_timeout=within,
    ) as connection:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await connection.send(
            orjson.dumps({"type": "connection_init", "payload": payload}).decode()
        )
        client = WsClient(connection)
        try:
            ack = orjson.loads(await asyncio.wait_for(connection.recv(), timeout=within))
        except Exception as error:
            raise _closed(connection) from error
        assert ack["type"] == "connection_ack", ack
        client.reader = asyncio.create_task(client._read())
        try:
            yield client
        finally:
            client.reader.cancel()
            await asyncio.gather(client.reader, return_exceptions=True)
