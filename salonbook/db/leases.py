"""A lease: work that one process of many does at a time (the payment-timeout sweep), decided by
a PostgreSQL session-level advisory lock held on a connection of its own.

The process holding the lock keeps it, and its connection, for as long as it runs: it does the
work every round, the others find the lock taken and skip. When the holder stops, or its
connection dies (the database restarted, the process was killed), PostgreSQL releases the lock
and the next process to try takes it over. Several worker processes of `salonbook serve`, or
several servers behind a balancer, so sweep once per interval between them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg  # type: ignore[import-untyped]

log = logging.getLogger("salonbook.leases")

SWEEPER_LOCK = 0x5A10B00C_5EE9E600
"""The advisory lock key of the payment-timeout sweeper (any bigint no other lock uses)."""
CONNECT_TIMEOUT_SECONDS = 5.0
_FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class Lease:
    def __init__(self, dsn: str, *, key: int, name: str) -> None:
        self._dsn = dsn
        self._key = key
        self._name = name
        self._connection: Any = None

    @property
    def holding(self) -> bool:
        return self._connection is not None

    async def held(self) -> bool:
        """True when this process holds the lease, taking it when it is free. Its own
        connection is checked first: a lock is held exactly as long as its session lives."""
        if self._connection is not None:
            try:
                await self._connection.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT_SECONDS)
                return True
            except _FAILURES:
                log.warning("%s: the lease's connection was lost; trying again", self._name)
                await self.release()
        connection = await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT_SECONDS,
            server_settings={"application_name": f"salonbook-{self._name}"},
        )
        try:
            taken = await connection.fetchval("SELECT pg_try_advisory_lock($1)", self._key)
        except BaseException:
            await _close(connection)
            raise
        if not taken:
            await _close(connection)
            return False
        self._connection = connection
        log.info("%s: this process holds the lease (the others skip)", self._name)
        return True

    async def release(self) -> None:
        """Let go: closing the session releases its lock."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await _close(connection)


async def _close(connection: Any) -> None:
    if connection.is_closed():
        return
    try:
        await asyncio.wait_for(connection.close(), timeout=2)
    except _FAILURES:
        connection.terminate()
    except asyncio.CancelledError:
        connection.terminate()
        raise
