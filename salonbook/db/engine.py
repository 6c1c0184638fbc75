"""The async engine, and turning PostgreSQL's lock and constraint errors into domain errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from salonbook.domain.errors import (
    ConcurrentUpdate,
    SalonbookError,
    SlotUnavailable,
    ValidationFailed,
)

LOCK_NOT_AVAILABLE = "55P03"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
EXCLUSION_VIOLATION = "23P01"
UNSTORABLE_TEXT = ("22021", "22P05")  # NUL bytes and the like: bad input, not a retry


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    statement_timeout_ms: int = 5000,
    connect_timeout: float = 3.0,
) -> AsyncEngine:
    """Every wait is bounded: connecting (`connect_timeout`), waiting for a pooled connection
    (the same), a statement and a lock on the server (`statement_timeout_ms`), and a reply on
    the client side (a second more: a server that stops answering does not hang a request)."""
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=connect_timeout,
        hide_parameters=True,  # errors are logged: their parameters may be notes or names
        connect_args={
            "timeout": connect_timeout,
            "command_timeout": statement_timeout_ms / 1000 + 1,
            "server_settings": {
                "application_name": "salonbook",
                "statement_timeout": str(statement_timeout_ms),
                "lock_timeout": str(statement_timeout_ms),
            },
        },
    )


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)


def translate(error: DBAPIError) -> SalonbookError | None:
    """The domain error a database error stands for, if it is an expected one."""
    state = sqlstate(error)
    if state in (LOCK_NOT_AVAILABLE, SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return ConcurrentUpdate("the booking is being changed by someone else; try again")
    if state == EXCLUSION_VIOLATION:
        return SlotUnavailable("the stylist already has a booking at that time")
    if state in UNSTORABLE_TEXT:
        return ValidationFailed("the input contains characters that cannot be stored")
    return None


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction on one connection; expected database errors leave as domain errors."""
    try:
        async with engine.begin() as connection:
            yield connection
    except DBAPIError as error:
        domain_error = translate(error)
        if domain_error is None:
            raise
        raise domain_error from error
