"""The body bound at the ASGI level, where a server that does not hold the client to its
Content-Length can be played: every chunk is counted, whatever was declared."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from starlette.types import Message, Receive, Scope, Send

from salonbook.intake.body_limit import BodyLimit

LIMIT = 1000


class Route:
    """Records the body it was given, reading it as a Starlette route does."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.after: list[Message] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        self.after.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _exchange(
    chunks: list[bytes], *, content_length: str | None, path: str = "/graphql"
) -> tuple[Route, list[Message], int]:
    route = Route()
    headers = [] if content_length is None else [(b"content-length", content_length.encode())]
    scope: dict[str, Any] = {"type": "http", "path": path, "method": "POST", "headers": headers}
    incoming: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    read = 0

    async def receive() -> Message:
        nonlocal read
        read += 1
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await BodyLimit(route, max_bytes=LIMIT)(scope, receive, send)
    return route, sent, read


def _status_and_body(sent: list[Message]) -> tuple[int, object]:
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], orjson.loads(body) if sent[0]["status"] == 413 else body


REFUSED = {"errors": [{"message": f"The request body is larger than {LIMIT} bytes.",
                       "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}  # fmt: skip
CASES: dict[str, tuple[list[bytes], str | None, int, int]] = {
    # chunks, Content-Length -> status, receive() calls made
    "declared over the bound": ([b"x" * 10], str(LIMIT + 1), 413, 0),
    "chunked over the bound": ([b"x" * 400] * 5, None, 413, 3),
    "a lying content-length": ([b"x" * 600, b"x" * 600], "10", 413, 2),
    "exactly the bound, in pieces": ([b"x" * 500, b"x" * 500], None, 200, 2),
    "empty": ([b""], None, 200, 1),
}


@pytest.mark.parametrize(("chunks", "declared", "status", "reads"), CASES.values(), ids=CASES)
async def test_bodies_are_counted_chunk_by_chunk(
    chunks: list[bytes], declared: str | None, status: int, reads: int
) -> None:
    route, sent, read = await _exchange(chunks, content_length=declared)

    assert (_status_and_body(sent)[0], read) == (status, reads + (status == 200))
    if status == 413:
        assert (route.bodies, _status_and_body(sent)[1]) == ([], REFUSED)
    else:
        assert route.bodies == [b"".join(chunks)]
        assert route.after == [{"type": "http.disconnect"}]  # later reads reach the server


async def test_the_webhook_is_refused_in_its_own_shape() -> None:
    _, sent, _ = await _exchange([b"x" * (LIMIT + 1)], content_length=None, path="/webhooks/x")

    assert _status_and_body(sent) == (413, {"error": REFUSED["errors"][0]["message"]})
