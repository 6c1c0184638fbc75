"""Making sure a database exists on a server, from sync code (the embedded server's start)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]

_T = TypeVar("_T")
_MAX_IDENTIFIER_BYTES = 63


def check_identifier(database: str) -> None:
    if not database or "\x00" in database or len(database.encode()) > _MAX_IDENTIFIER_BYTES:
        raise ValueError(f"not a usable PostgreSQL database name: {database!r}")


def run_blocking(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion from sync code, even when an event loop is running."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-pg") as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def ensure_database(maintenance_dsn: str, database: str) -> None:
    connection = await asyncpg.connect(maintenance_dsn)
    try:
        exists = await connection.fetchval("select 1 from pg_database where datname = $1", database)
        if exists:
            return
        quoted = '"' + database.replace('"', '""') + '"'
        # Another process may create it first.
        with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
            await connection.execute(f"create database {quoted}")
    finally:
        await connection.close()
