"""Which close code a failure on a websocket deserves, and how it is told in one log line."""

from __future__ import annotations

import contextlib
import logging

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import Send

from salonbook.api.subscriptions.connection import CallerUnavailable
from salonbook.realtime.admission import Overloaded

log = logging.getLogger("salonbook.websockets")

TRY_AGAIN_LATER = 1013
"""The server is overloaded or its database away: graphql-ws clients retry after a pause."""
INTERNAL_ERROR = 1011
"""Our bug: graphql-ws clients report it and do not retry."""

_LATER = (
    Overloaded,
    CallerUnavailable,
    PoolTimeout,
    OperationalError,
    InterfaceError,
    TimeoutError,
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
)


def close_code(error: BaseException) -> int:
    return TRY_AGAIN_LATER if isinstance(error, _LATER) else INTERNAL_ERROR


def describe(error: BaseException) -> str:
    """The error's type and its first line (no stack trace, no parameters: errors carry no
    SQL parameters here, hide_parameters is on)."""
    said = str(error).strip().splitlines()
    return type(error).__name__ + (f" ({said[0][:200]})" if said else "")


async def close_after(error: BaseException, send: Send) -> None:
    """A websocket failed outside the transport's handler: one log line, and the close code
    it deserves if the socket can still be closed (uvicorn would log a stack trace)."""
    code = close_code(error)
    log.error("a websocket failed: %s; closed with %d", describe(error), code)
    with contextlib.suppress(Exception):  # gone already: nothing left to tell
        await send({"type": "websocket.close", "code": code, "reason": ""})
