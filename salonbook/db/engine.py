"""The async engine, and turning PostgreSQL's lock and constraint errors into domain errors."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from salonbook.db.pool import FirstComePool
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
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "salonbook_returned_at"
_DRIVER = "salonbook_driver"


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    statement_timeout_ms: int = 5000,
    connect_timeout: float = 3.0,
    ping_after_idle: float | None = PING_AFTER_IDLE_SECONDS,
) -> AsyncEngine:
    """Every wait is bounded: connecting (`connect_timeout`), waiting for a pooled connection
    (the same), a statement and a lock on the server (`statement_timeout_ms`), and a reply on
    the client side (a second more: a server that stops answering does not hang a request).
    `ping_after_idle`: see ping_when_idle (None: never a round trip before use)."""
    engine = create_async_engine(
        url,
        # pool_size is also the most: a connection opened beyond the pool (an "overflow" one)
        # is closed as soon as it is given back, so a steady load just above the pool size
        # would open a new connection (and PostgreSQL a new backend) for most requests.
        poolclass=FirstComePool,
        pool_size=pool_size,
        max_overflow=0,
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
    ping_when_idle(engine, idle_seconds=ping_after_idle)
    keep_driver(engine)
    return engine


def keep_driver(engine: AsyncEngine) -> None:
    """Each pooled connection remembers its asyncpg connection, for `driver_of`."""

    @event.listens_for(engine.sync_engine.pool, "connect")
    def opened(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_DRIVER] = dbapi_connection.driver_connection


def driver_of(connection: AsyncConnection) -> Any:
    """The asyncpg connection under a checked-out connection.

    The hot statements (a booking's read, lock and status change, the outbox window read) run
    on it directly: SQLAlchemy's execution layer costs more CPU per statement than the
    statement's round trip. In a unit of work they are in its transaction, which is the
    driver's own; those that need one check with `in_transaction`."""
    driver = connection.info.get(_DRIVER)
    if driver is None:
        raise RuntimeError("not a salonbook engine's connection (create_engine keeps drivers)")
    return driver


def in_transaction(connection: AsyncConnection) -> Any:
    """`driver_of`, checked to be inside a transaction (a lock outside one is released at once,
    a change outside one commits half-way)."""
    driver = driver_of(connection)
    if not driver.is_in_transaction():
        raise RuntimeError("this statement needs a transaction: run it in unit_of_work")
    return driver


def ping_when_idle(
    engine: AsyncEngine, *, idle_seconds: float | None = PING_AFTER_IDLE_SECONDS
) -> None:
    """Check a pooled connection before use, like pool_pre_ping, but only a round trip when it
    sat idle for a while: one back from use a moment ago is alive unless its socket closed
    (a terminated backend or a restarted server closes it), and pool_pre_ping's asyncpg ping
    costs three round trips (BEGIN, ";", ROLLBACK) on every checkout. A dead connection is
    replaced by a fresh one (the pool retries on DisconnectionError), and so is one given back
    inside a transaction (an interrupted unit of work that could not end it). With
    `idle_seconds` None, never a ping: for a caller that retries a failed statement itself and
    whose first statement after a quiet spell must not wait three round trips (the tailer)."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def returned(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def check(dbapi_connection: Any, record: ConnectionPoolEntry, _: PoolProxiedConnection) -> None:
        driver = dbapi_connection.driver_connection
        if driver.is_closed():
            raise DisconnectionError("the connection was closed")
        if driver.is_in_transaction():  # left in one by an interrupted unit: never reused
            raise DisconnectionError("the connection was returned inside a transaction")
        returned_at = record.info.get(_RETURNED_AT)
        if idle_seconds is None:
            return
        if returned_at is None or time.monotonic() - returned_at > idle_seconds:
            try:
                dbapi_connection.ping()
            except Exception as error:
                raise DisconnectionError(str(error)) from error


class TransactionAborted(ConcurrentUpdate):
    """PostgreSQL chose this transaction as a deadlock victim (concurrent inserts checked by
    the overlap exclusion constraint can deadlock) or failed it to keep transactions
    serialisable: nothing of it committed, so running it again is safe."""


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error, raised by SQLAlchemy (DBAPIError) or by asyncpg."""
    found = error.orig if isinstance(error, DBAPIError) else error
    state = getattr(found, "sqlstate", None) or getattr(found, "pgcode", None)
    return state if isinstance(state, str) else None


DATABASE_ERRORS = (DBAPIError, asyncpg.PostgresError)


def translate(error: BaseException) -> SalonbookError | None:
    """The domain error a database error stands for, if it is an expected one."""
    state = sqlstate(error)
    if state in (SERIALIZATION_FAILURE, DEADLOCK_DETECTED):
        return TransactionAborted("the booking is being changed by someone else; try again")
    if state == LOCK_NOT_AVAILABLE:
        return ConcurrentUpdate("the booking is being changed by someone else; try again")
    if state == EXCLUSION_VIOLATION:
        return SlotUnavailable("the stylist already has a booking at that time")
    if state in UNSTORABLE_TEXT:
        return ValidationFailed("the input contains characters that cannot be stored")
    return None


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for one read statement, in autocommit: the statement is its own
    transaction, without the BEGIN and ROLLBACK round trips around it. A read of several
    statements that must agree with each other takes a transaction instead."""
    async with engine.connect() as connection:
        yield await connection.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def domain_errors() -> Iterator[None]:
    """Expected database errors leave as the domain errors they stand for."""
    try:
        yield
    except DATABASE_ERRORS as error:
        domain_error = translate(error)
        if domain_error is None:
            raise
        raise domain_error from error


@asynccontextmanager
async def unit_of_work(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction on one connection; expected database errors leave as domain errors.

    The transaction is opened and ended on the driver with plain BEGIN, COMMIT and ROLLBACK,
    and SQLAlchemy runs in autocommit on the same connection, so statements through either are
    in it. Not asyncpg's Transaction objects: a BEGIN of theirs cancelled before its reply was
    read leaves asyncpg believing a transaction is open, and the next one on that connection
    would be a savepoint of it, whose "commit" is lost when the connection closes. Whatever
    ends the unit early (an error, a cancellation) leaves as itself: the rollback never
    replaces it, and a connection that cannot roll back is closed, never pooled."""
    with domain_errors():
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            driver = driver_of(connection)
            try:
                await driver.execute("BEGIN")
                yield connection
            except BaseException:
                await _roll_back(driver)
                raise
            else:
                if await driver.execute("COMMIT") != "COMMIT":
                    # PostgreSQL ends a failed transaction with ROLLBACK, and says so only in
                    # the command tag: the work went on after a database error it caught
                    raise TransactionFailed("the transaction had failed; nothing was committed")
            finally:
                if not driver.is_closed() and driver.is_in_transaction():
                    # interrupted between BEGIN and the end: never pool it half-way
                    await connection.invalidate()


class TransactionFailed(RuntimeError):
    """The work caught a database error and carried on; PostgreSQL rolled everything back."""


async def _roll_back(driver: Any) -> None:
    """Roll back after the unit failed, keeping quiet about a rollback that cannot be done.

    SQLAlchemy closes the connection when a statement through it is cancelled, and a failed
    rollback must not raise in place of the CancelledError: a periodic task that logs errors
    and goes on would swallow its cancellation and never stop. A connection still in its
    transaction afterwards is closed by unit_of_work."""
    if driver.is_closed():
        return
    with contextlib.suppress(*DATABASE_ERRORS, asyncpg.InterfaceError, OSError, TimeoutError):
        await driver.execute("ROLLBACK")


@asynccontextmanager
async def statement_by_statement(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for driver statements that are each their own transaction: for work whose
    one write is a single statement, so atomic without a BEGIN and a COMMIT around it (two
    round trips fewer). Expected database errors leave as domain errors."""
    with domain_errors():
        async with engine.connect() as connection:
            yield connection
