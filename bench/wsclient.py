"""A lean graphql-transport-ws client: one asyncio.Protocol per socket, no task per socket.

Thousands of subscribers live in one process, so the receive path does as little as possible:
split frames, stamp each message with the monotonic clock at `data_received`, keep the few
fields the benchmark needs. Pings (WebSocket and graphql-transport-ws) are answered inline."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

PROTOCOL = "graphql-transport-ws"
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _BINARY, _CONTINUATION, _CLOSE, _PING, _PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


class HandshakeFailed(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Received:
    """One `next` message of a bookingEvents subscription, as the benchmark keeps it."""

    at: float
    booking_id: str | None
    kind: str
    status: str | None
    version: int | None


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A masked (client-to-server) frame with FIN set."""
    size = len(payload)
    header = bytearray([0x80 | opcode])
    if size < 126:
        header.append(0x80 | size)
    elif size < 1 << 16:
        header.append(0x80 | 126)
        header += size.to_bytes(2, "big")
    else:
        header.append(0x80 | 127)
        header += size.to_bytes(8, "big")
    mask = os.urandom(4)
    header += mask
    if size:
        key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
        payload = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
    return bytes(header) + payload


class Subscriber(asyncio.Protocol):
    """One websocket with one bookingEvents subscription (operation id "1")."""

    def __init__(
        self, *, host: str, port: int, token: str, on_event: Callable[[str], None] | None = None
    ) -> None:
        self.host, self.port, self.token = host, port, token
        self.on_event = on_event
        """Told the booking id of each event as it arrives."""
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.upgraded = False
        loop = asyncio.get_running_loop()
        self.acked: asyncio.Future[None] = loop.create_future()
        self.acked.add_done_callback(_retrieve)  # a failed handshake nobody awaits is no warning
        self.lost: asyncio.Future[str] = loop.create_future()
        self.received: list[Received] = []
        self.problems: list[str] = []
        """Messages other than `next`, or a `next` that is not an event (errors, complete)."""
        self.close_code: int | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        request = (
            f"GET /graphql HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: {PROTOCOL}\r\n\r\n"
        )
        transport.write(request.encode())

    def data_received(self, data: bytes) -> None:
        at = time.perf_counter()
        self.buffer += data
        if not self.upgraded and not self._read_handshake():
            return
        self._read_frames(at)

    def connection_lost(self, exc: Exception | None) -> None:
        reason = f"closed {self.close_code}" if exc is None else f"lost: {exc!r}"
        if not self.acked.done():
            self.acked.set_exception(HandshakeFailed(reason))
        if not self.lost.done():
            self.lost.set_result(reason)

    # sending

    def send_json(self, message: dict[str, Any]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(_TEXT, orjson.dumps(message)))

    def subscribe(self, query: str, variables: dict[str, Any]) -> None:
        payload = {"query": query, "variables": variables}
        self.send_json({"id": "1", "type": "subscribe", "payload": payload})

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(_CLOSE, (1000).to_bytes(2, "big")))
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    # receiving

    def _read_handshake(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        del self.buffer[: end + 4]
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
        accept = base64.b64encode(hashlib.sha1(self.key.encode() + _GUID).digest()).decode()
        if " 101 " not in f"{head[0]} " or headers.get("sec-websocket-accept") != accept:
            self._fail(f"upgrade refused: {head[0]}")
            return False
        if headers.get("sec-websocket-protocol") != PROTOCOL:
            self._fail(f"subprotocol not agreed: {headers.get('sec-websocket-protocol')}")
            return False
        self.upgraded = True
        self.send_json({"type": "connection_init", "payload": {"Authorization": self.token}})
        return True

    def _read_frames(self, at: float) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            size, offset = second & 0x7F, 2
            if size == 126:
                if len(buffer) < 4:
                    return
                size, offset = int.from_bytes(buffer[2:4], "big"), 4
            elif size == 127:
                if len(buffer) < 10:
                    return
                size, offset = int.from_bytes(buffer[2:10], "big"), 10
            if second & 0x80:
                self._fail("the server masked a frame")
                return
            if len(buffer) < offset + size:
                return
            payload = bytes(buffer[offset : offset + size])
            del buffer[: offset + size]
            self._on_frame(first & 0x80 != 0, first & 0x0F, payload, at)

    def _on_frame(self, fin: bool, opcode: int, payload: bytes, at: float) -> None:
        if opcode == _PING:
            assert self.transport is not None
            self.transport.write(encode_frame(_PONG, payload))
        elif opcode == _CLOSE:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
            self.close()
        elif opcode in (_TEXT, _BINARY, _CONTINUATION):
            self.fragments.append(payload)
            if fin:
                message, self.fragments = b"".join(self.fragments), []
                self._on_message(message, at)

    def _on_message(self, raw: bytes, at: float) -> None:
        message = orjson.loads(raw)
        kind = message.get("type")
        if kind == "next":
            event = (message.get("payload") or {}).get("data") or {}
            event = event.get("bookingEvents")
            if event is None:
                self.problems.append(f"next without an event: {raw[:300]!r}")
                return
            booking = event.get("booking") or {}
            booking_id = event["bookingId"]
            self.received.append(
                Received(
                    at, booking_id, event["kind"], booking.get("status"), booking.get("version")
                )
            )
            if self.on_event is not None and booking_id is not None:
                self.on_event(booking_id)
        elif kind == "ping":
            self.send_json({"type": "pong"})
        elif kind == "connection_ack":
            if not self.acked.done():
                self.acked.set_result(None)
        elif kind != "pong":
            self.problems.append(f"{kind}: {raw[:300]!r}")

    def _fail(self, reason: str) -> None:
        self.problems.append(reason)
        if not self.acked.done():
            self.acked.set_exception(HandshakeFailed(reason))
        self.abort()


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


async def open_subscriber(
    host: str,
    port: int,
    token: str,
    *,
    within: float,
    on_event: Callable[[str], None] | None = None,
) -> Subscriber:
    loop = asyncio.get_running_loop()
    _, subscriber = await asyncio.wait_for(
        loop.create_connection(
            lambda: Subscriber(host=host, port=port, token=token, on_event=on_event), host, port
        ),
        timeout=within,
    )
    try:
        await asyncio.wait_for(asyncio.shield(subscriber.acked), timeout=within)
    except BaseException:
        subscriber.abort()
        raise
    return subscriber


async def open_many(
    host: str,
    port: int,
    tokens: Sequence[str],
    *,
    batch: int,
    handshake_seconds: float = 30.0,
    on_event: Callable[[str], None] | None = None,
) -> list[Subscriber]:
    """Connect and initialise one subscriber per token, `batch` handshakes at a time; on any
    failure the ones already open are aborted and the error raised."""
    opened: list[Subscriber] = []
    try:
        for start in range(0, len(tokens), batch):
            chunk = tokens[start : start + batch]
            results = await asyncio.gather(
                *(
                    open_subscriber(
                        host, port, f"Bearer {t}", within=handshake_seconds, on_event=on_event
                    )
                    for t in chunk
                ),
                return_exceptions=True,
            )
            failures = [r for r in results if isinstance(r, BaseException)]
            opened += [r for r in results if isinstance(r, Subscriber)]
            if failures:
                raise RuntimeError(
                    f"{len(failures)} of {len(chunk)} connections failed "
                    f"(after {len(opened)} opened): {failures[0]!r}"
                ) from failures[0]
    except BaseException:
        for subscriber in opened:
            subscriber.abort()
        raise
    return opened
