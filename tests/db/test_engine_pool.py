"""The engine's pool: dead connections are replaced before use, reads run in autocommit, and
the pool never opens more connections than its size."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from salonbook.db.engine import create_engine, reading

PID = text("SELECT pg_backend_pid()")


async def test_a_pooled_connection_whose_backend_was_terminated_is_replaced(
    database_url: str, db: Any
) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            first = (await connection.execute(PID)).scalar_one()
        # waits (up to 10 s) until the backend is gone, its socket closed
        assert await db.fetchval("SELECT pg_terminate_backend($1, 10000)", first) is True
        await asyncio.sleep(0.05)  # the event loop reads the closed socket

        async with engine.connect() as connection:
            second = (await connection.execute(PID)).scalar_one()

        assert second != first
    finally:
        await engine.dispose()


async def test_a_read_is_its_own_transaction(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1)
    xid = text("SELECT pg_current_xact_id()::text")
    try:
        async with reading(engine) as connection:
            alone = [(await connection.execute(xid)).scalar_one() for _ in range(2)]
        async with engine.begin() as connection:
            together = [(await connection.execute(xid)).scalar_one() for _ in range(2)]

        assert alone[0] != alone[1]
        assert together[0] == together[1]
    finally:
        await engine.dispose()


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
