"""A lean HTTP/1.1 keep-alive client for the benchmarks: one connection, one request at a time.

A benchmark client shares the machine's two cores with the server under test, so what it costs
per request is taken from the server: httpx spends about 1 ms of CPU on each request, this
client a tenth of that. It speaks only what the benchmarks need: POST with a JSON body, and
responses with a Content-Length (what uvicorn sends for a GraphQL answer)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class ProtocolError(Exception):
    """The server answered something this client does not read."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class KeepAliveClient:
    """One HTTP/1.1 connection, opened at the first request and kept."""

    def __init__(self, base_url: str, *, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"an http:// address is needed, not {base_url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        fixed = {"Host": f"{self.host}:{self.port}", "Content-Type": "application/json"}
        fixed.update(headers or {})
        self._headers = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post_json(
        self, path: str, payload: Any, *, headers: dict[str, str] | None = None
    ) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return await self.post(path, body, headers=headers)

    async def post(
        self, path: str, body: bytes, *, headers: dict[str, str] | None = None
    ) -> Response:
        """POST `body`, with `headers` beside the client's own for this request only."""
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        head = f"POST {path} HTTP/1.1\r\n{self._headers}{extra}Content-Length: {len(body)}\r\n\r\n"
        reader, writer = await self._connection()
        writer.write(head.encode() + body)
        try:
            return await _read_response(reader)
        except BaseException:
            await self.close()  # a half-read answer leaves the connection unusable
            raise

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            await asyncio.gather(writer.wait_closed(), return_exceptions=True)

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer


async def _read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(status_line.split(" ", 2)[1])
    except (IndexError, ValueError) as error:
        raise ProtocolError(f"not an HTTP status line: {status_line!r}") from error
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ProtocolError("the response has no Content-Length")
    return Response(status, await reader.readexactly(length))
