"""A bound on what a client can make the server hold: request bodies and websocket messages.

Bodies: a declared Content-Length over the bound is refused with 413 before a byte of the body
is read; otherwise the body is read here, counting every chunk (chunked transfer encoding, or a
server that does not hold the client to its Content-Length), and refused with 413 as soon as
the count passes the bound. The route then gets the body in one piece, so no route, whatever
it does with exceptions, ever buffers more than the bound. The rest of a refused body is left
to the server, which discards it until its keep-alive timeout (uvicorn: 5 s) and closes: closing
at once would reset the connection under a client still sending, which then loses the 413.

Websocket messages arrive whole from the server (uvicorn's `ws_max_size`, which `salonbook
serve` sets to the same bound; plain uvicorn's default is 16 MiB): a bigger one closes the
socket with 1009 (message too big) before the application sees it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salonbook.intake.refusals import refusal

PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
MESSAGE_TOO_BIG = 1009


def declared_length(scope: Scope) -> int | None:
    """The largest Content-Length the request declares (None: none, or not a number)."""
    found: int | None = None
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if text.isascii() and text.isdigit():
                found = max(found or 0, int(text))
    return found


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than {self.max_bytes} bytes."
        response = refusal(scope, status=413, code=PAYLOAD_TOO_LARGE, message=message)
        await response(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        first: Message | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went: the route hears it
                first = message
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if first is None:
            body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            first = {"type": "http.request", "body": body, "more_body": False}
        replayed: Message | None = first

        async def receive_whole() -> Message:
            nonlocal replayed
            if replayed is not None:
                message, replayed = replayed, None
                return message
            return await receive()  # e.g. http.disconnect, for a route that listens

        await self.app(scope, receive_whole, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        closed = False

        async def bounded_receive() -> Message:
            nonlocal closed
            message = await receive()
            if message["type"] == "websocket.receive" and self._too_big(message):
                closed = True
                await send(
                    {"type": "websocket.close", "code": MESSAGE_TOO_BIG, "reason": "too big"}
                )
                return {"type": "websocket.disconnect", "code": MESSAGE_TOO_BIG}
            return message

        async def guarded_send(message: Message) -> None:
            if not closed:  # the socket is closed: what the application still says is dropped
                await send(message)

        await self.app(scope, bounded_receive, guarded_send)

    def _too_big(self, message: Message) -> bool:
        data = message.get("bytes")
        if data is not None:
            return len(data) > self.max_bytes
        text = message.get("text") or ""
        if 4 * len(text) <= self.max_bytes:  # at most 4 bytes a character in UTF-8
            return False
        return len(text.encode()) > self.max_bytes
