"""Request bodies and websocket messages are bounded (SALONBOOK_MAX_BODY_BYTES, 1 MiB by default)
on a real server: a declared Content-Length over the bound is refused at once, a streamed body
as soon as it passes the bound, and the server never holds anything near what was sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import psutil  # type: ignore[import-untyped]
import pytest
from websockets.asyncio.client import connect

from salonbook.config import Settings
from tests.support.live import PROTOCOL
from tests.support.processes import SERVE, UVICORN, ServerProcess, server_environment, servers

MiB = 1024 * 1024
STREAMED = 200 * MiB
GRAPHQL_TOO_LARGE = {
    "errors": [
        {
            "message": f"The request body is larger than {MiB} bytes.",
            "extensions": {"code": "PAYLOAD_TOO_LARGE"},
        }
    ]
}
WEBHOOK_TOO_LARGE = {"error": f"The request body is larger than {MiB} bytes."}
REFUSALS = {"/graphql": GRAPHQL_TOO_LARGE, "/webhooks/payments": WEBHOOK_TOO_LARGE}


@contextlib.asynccontextmanager
async def _server(
    command: tuple[str, ...], settings: Settings, logs: Path
) -> AsyncIterator[ServerProcess]:
    assert settings.database_url is not None
    environment = server_environment(database_url=settings.database_url, broadcast_url=None)
    environment["SALONBOOK_SWEEP_SECONDS"] = "0"
    async with servers(["bounded"], environment=environment, logs=logs, command=command) as (s,):
        yield s


@pytest.fixture(scope="module")
async def server(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    async with _server(SERVE, settings, tmp_path_factory.mktemp("bounded")) as one:
        yield one


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], object]:
    """Status, headers and JSON body of one HTTP/1.1 response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers["content-length"]))
    return int(status_line.split()[1]), headers, orjson.loads(body)


def _request_head(path: str, *, framing: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: salonbook.test\r\n"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n"
    ).encode()


@pytest.mark.parametrize("path", REFUSALS)
async def test_a_declared_length_over_the_bound_is_refused_before_the_body_is_sent(
    server: ServerProcess, path: str
) -> None:
    host, port = server.base.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(_request_head(path, framing=f"Content-Length: {STREAMED}"))
        await writer.drain()
        status, _, body = await asyncio.wait_for(_response(reader), timeout=5)
    finally:
        writer.close()

    assert (status, body) == (413, REFUSALS[path])


async def _stream_chunked(
    writer: asyncio.StreamWriter, total: int, answered: asyncio.Future[Any]
) -> None:
    """Sends `total` bytes as 64 KiB chunks until done, answered, or the server hangs up."""
    chunk = b"x" * (64 * 1024)
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    with contextlib.suppress(ConnectionError):
        while sent < total and not answered.done():
            writer.write(frame)
            await writer.drain()
            sent += len(chunk)
        writer.write(b"0\r\n\r\n")
        await writer.drain()


def _rss(process: psutil.Process) -> int:
    rss: int = process.memory_info().rss
    return rss


async def _peak_rss(process: psutil.Process, stop: asyncio.Event) -> int:
    peak = _rss(process)
    while not stop.is_set():
        peak = max(peak, _rss(process))
        await asyncio.sleep(0.01)
    return max(peak, _rss(process))


@pytest.mark.parametrize("path", REFUSALS)
async def test_a_streamed_body_over_the_bound_is_refused_and_never_held(
    server: ServerProcess, path: str
) -> None:
    process = psutil.Process(server.process.pid)
    before = _rss(process)
    stop = asyncio.Event()
    sampler = asyncio.create_task(_peak_rss(process, stop))
    host, port = server.base.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(_request_head(path, framing="Transfer-Encoding: chunked"))
        answer = asyncio.ensure_future(asyncio.wait_for(_response(reader), timeout=30))
        await _stream_chunked(writer, STREAMED, answer)
        status, _, body = await answer
    finally:
        writer.close()
        stop.set()
    peak = await sampler

    assert (status, body) == (413, REFUSALS[path])
    assert peak - before < 16 * MiB, f"the server grew by {(peak - before) / MiB:.1f} MiB"


async def test_a_body_at_the_bound_is_read(server: ServerProcess) -> None:
    query = orjson.dumps({"query": "{ me { id } }", "variables": {"pad": "x" * (MiB - 64)}})
    padded = query + b" " * (MiB - len(query))
    host, port = server.base.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(_request_head("/graphql", framing=f"Content-Length: {len(padded)}"))
        writer.write(padded)
        await writer.drain()
        status, _, body = await asyncio.wait_for(_response(reader), timeout=10)
    finally:
        writer.close()

    assert (len(padded), status, body) == (MiB, 200, {"data": {"me": None}})


@pytest.mark.parametrize("command", [SERVE, UVICORN], ids=["salonbook serve", "uvicorn --factory"])
async def test_a_websocket_message_over_the_bound_closes_the_socket_with_1009(
    command: tuple[str, ...], settings: Settings, tmp_path: Path
) -> None:
    async with (
        _server(command, settings, tmp_path) as one,
        connect(f"ws://{one.base}/graphql", subprotocols=[PROTOCOL], max_size=None) as ws,  # type: ignore[list-item]
    ):
        await ws.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
        assert orjson.loads(await ws.recv())["type"] == "connection_ack"
        big = {"id": "1", "type": "subscribe", "payload": {"query": "{ me { id } }"}}
        big["payload"]["variables"] = {"pad": "x" * MiB}  # type: ignore[index]
        await ws.send(orjson.dumps(big).decode())
        await asyncio.wait_for(ws.wait_closed(), timeout=5)

        assert ws.close_code == 1009
