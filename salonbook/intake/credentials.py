"""One credential per request: a request naming `Authorization` (or the payment webhook's
`Salonbook-Signature`) twice is refused with 400, since the parts of a stack that read headers
do not agree on which of two to believe (the first, the last, or both joined)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from salonbook.intake.refusals import refusal

SINGLE = (b"authorization", b"salonbook-signature")
BAD_REQUEST = "BAD_REQUEST"


def named_twice(scope: Scope) -> str | None:
    """The first credential header the request sends more than once, if any."""
    seen: set[bytes] = set()
    for name, _ in scope.get("headers", ()):
        if name in SINGLE:
            if name in seen:
                twice: str = name.decode()
                return twice
            seen.add(name)
    return None


class SingleCredentials:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        twice = named_twice(scope) if scope["type"] in ("http", "websocket") else None
        if twice is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            message = f"Send one {twice.title()} header."
            response = refusal(scope, status=400, code=BAD_REQUEST, message=message)
            await response(scope, receive, send)
        else:  # refused before the handshake is accepted: the server answers 403
            await send({"type": "websocket.close", "code": 1008, "reason": "one credential"})
