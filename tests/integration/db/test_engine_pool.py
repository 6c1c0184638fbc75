"""The engine's pool: dead connections are replaced before use, reads run in autocommit, the
pool never opens more connections than its size, and it hands them out first come, first
served."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.engine import create_engine, reading

PID = text("SELECT pg_backend_pid()")


async def test_a_pooled_connection_whose_backend_was_terminated_is_replaced(
    lone_engine: AsyncEngine, db: Any
) -> None:
    async with lone_engine.connect() as connection:
        first = (await connection.execute(PID)).scalar_one()
    # waits (up to 10 s) until the backend is gone, its socket closed
    assert await db.fetchval("SELECT pg_terminate_backend($1, 10000)", first) is True
    await asyncio.sleep(0.05)  # the event loop reads the closed socket

    async with lone_engine.connect() as connection:
        second = (await connection.execute(PID)).scalar_one()

    assert second != first


async def test_a_read_is_its_own_transaction(lone_engine: AsyncEngine) -> None:
    xid = text("SELECT pg_current_xact_id()::text")
    async with reading(lone_engine) as connection:
        alone = [(await connection.execute(xid)).scalar_one() for _ in range(2)]
    async with lone_engine.begin() as connection:
        together = [(await connection.execute(xid)).scalar_one() for _ in range(2)]

    assert alone[0] != alone[1]
    assert together[0] == together[1]


async def test_the_pool_opens_no_more_connections_than_its_size(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=2)
    try:

        async def hold() -> int:
            async with engine.connect() as connection:
                pid: int = (await connection.execute(PID)).scalar_one()
                await asyncio.sleep(0.05)
                return pid

        pids = await asyncio.gather(*(hold() for _ in range(6)))

        assert len(set(pids)) == 2
    finally:
        await engine.dispose()


async def test_connections_go_to_callers_in_the_order_they_asked(lone_engine: AsyncEngine) -> None:
    """A caller arriving as a connection comes back does not overtake those already waiting
    (SQLAlchemy's own asyncio pool lets it, and a busy server's slowest requests starved)."""
    served: list[str] = []

    async def use(name: str) -> None:
        async with lone_engine.connect():
            served.append(name)

    holder = await lone_engine.connect()
    waiting = []
    for name in ("first", "second", "third"):
        waiting.append(asyncio.create_task(use(name)))
        await asyncio.sleep(0.02)  # each in line before the next
    # arrives as the connection returns: it runs before the first in line is woken
    waiting.append(asyncio.create_task(use("late")))
    await holder.close()
    await asyncio.gather(*waiting)

    assert served == ["first", "second", "third", "late"]


async def test_a_caller_that_stops_waiting_leaves_the_connection_to_the_next(
    database_url: str,
) -> None:
    engine = create_engine(database_url, pool_size=1, connect_timeout=0.2)
    try:
        holder = await engine.connect()
        with pytest.raises(PoolTimeout):  # the pool's own wait is bounded
            await engine.connect()
        gone = asyncio.create_task(engine.connect().start())
        await asyncio.sleep(0.02)
        await holder.close()  # handed to `gone`, which is cancelled before it runs
        gone.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            leftover = await gone
            await leftover.close()  # it ran first after all: it gives it back

        async with asyncio.timeout(1):
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("ping_after_idle", "pings"), [(0.0, 1), (None, 0)])
async def test_a_connection_back_from_idle_is_pinged_unless_the_engine_never_pings(
    database_url: str, monkeypatch: pytest.MonkeyPatch, ping_after_idle: float | None, pings: int
) -> None:
    seen: list[object] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: AsyncAdapt_asyncpg_connection) -> None:
        seen.append(self)
        ping(self)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    engine = create_engine(database_url, pool_size=1, ping_after_idle=ping_after_idle)
    try:
        async with engine.connect() as connection:
            await connection.execute(PID)
        seen.clear()  # a connection just opened is pinged or not alike
        await asyncio.sleep(0.01)  # idle longer than 0 s

        async with engine.connect() as connection:
            await connection.execute(PID)

        assert len(seen) == pings
    finally:
        await engine.dispose()


async def test_an_engine_that_never_pings_still_replaces_a_terminated_connection(
    database_url: str, db: Any
) -> None:
    engine = create_engine(database_url, pool_size=1, ping_after_idle=None)
    try:
        async with engine.connect() as connection:
            first = (await connection.execute(PID)).scalar_one()
        assert await db.fetchval("SELECT pg_terminate_backend($1, 10000)", first) is True
        await asyncio.sleep(0.05)  # the event loop reads the closed socket

        async with engine.connect() as connection:
            second = (await connection.execute(PID)).scalar_one()

        assert second != first
    finally:
        await engine.dispose()
