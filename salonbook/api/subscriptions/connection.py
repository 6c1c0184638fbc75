"""A websocket's caller, from its connection_init payload; the socket closed when their token
expires."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from salonbook.auth.principal import Authenticator
from salonbook.auth.tokens import InvalidToken
from salonbook.realtime.admission import Admission
from salonbook.use_cases.deps import Caller

TOKEN_REFUSED = 4403


class CallerUnavailable(Exception):
    """The caller of a connection_init could not be authenticated for want of the database:
    not their fault, so not a 4403."""


def init_authorization(params: object) -> str | None:
    """The Authorization value of a connection_init payload; InvalidToken when it is not one
    string (a number, or both `Authorization` and `authorization`, say which to believe?)."""
    if params is None:
        return None
    if not isinstance(params, dict):
        raise InvalidToken("the connection_init payload is not an object")
    given = [params[key] for key in ("Authorization", "authorization") if key in params]
    if len(given) > 1:
        raise InvalidToken("send one Authorization in connection_init")
    if given and not isinstance(given[0], str):
        raise InvalidToken("Authorization must be a string")
    return given[0] if given else None


async def connection_caller(
    authenticator: Authenticator,
    websocket: WebSocket,
    params: object,
    *,
    admission: Admission | None = None,
) -> Caller:
    """The caller of a connection_init: a bad token refuses the connection (4403), and so does
    the token's expiry later on. A role the cache does not have is read within one of the
    admission's slots (realtime/admission.py); no slot within its wait, or the database away
    while reading, raises CallerUnavailable (the transport closes with 1013, try again later)."""
    try:
        claims = authenticator.claims(init_authorization(params))
    except InvalidToken:
        raise ConnectionRejectionError from None
    actor = None if claims is None else authenticator.cached(claims)
    if claims is not None and actor is None:
        try:
            async with admission.slot() if admission else contextlib.nullcontext():
                actor = await authenticator.stored(claims)  # a database read
        except Exception as error:
            raise CallerUnavailable(type(error).__name__) from error
    caller = Caller(
        actor=actor,
        ip_address=authenticator.address_of(websocket),
        user_agent=websocket.headers.get("user-agent"),
    )
    state = websocket.scope.setdefault("state", {})
    state["caller"] = caller  # for the log line
    if claims is not None:
        delay = (claims.expires_at - datetime.now(UTC)).total_seconds()
        state["token_expiry"] = asyncio.create_task(_close_at_expiry(websocket, delay))
    return caller


async def _close_at_expiry(websocket: WebSocket, delay: float) -> None:
    await asyncio.sleep(max(0.0, delay))
    with contextlib.suppress(RuntimeError, OSError):
        await websocket.close(code=TOKEN_REFUSED, reason="token expired")
