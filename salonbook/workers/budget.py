"""The database connections N worker processes need, against what PostgreSQL allows.

Each process holds its own pool (SALONBOOK_DB_POOL_SIZE, also its most), the tailer's own
small pool (2: salonbook/realtime/lifespan.py, reserved so that a storm of websockets never
stalls live delivery or readiness), one LISTEN connection (none with a Redis broadcast) and,
while it holds the sweeper's lease, one more (salonbook/db/leases.py; the others open it only a
moment, to try). So N processes need N * (pool + 2 + 1 + 1) connections at most. PostgreSQL
refuses connections past max_connections minus those reserved for superusers (and for
pg_use_reserved_connections), and past the role's and the database's own CONNECTION LIMIT.

An explicit worker count that does not fit is refused before any worker starts; the default
(one per CPU) is lowered to what fits."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg  # type: ignore[import-untyped]

from salonbook.config import Settings
from salonbook.realtime.lifespan import RESERVED_CONNECTIONS, uses_redis


class TooManyConnections(RuntimeError):
    """The workers asked for would need more connections than PostgreSQL allows."""


@dataclass(frozen=True, slots=True)
class ConnectionBudget:
    pool_size: int
    tailing: int
    """The tailer's own pool (RESERVED_CONNECTIONS)."""
    listening: int
    """1: the LISTEN connection; 0 with a Redis broadcast."""
    sweeping: int
    """1: the sweeper's lease; 0 when the server does not sweep."""

    @classmethod
    def of(cls, settings: Settings) -> ConnectionBudget:
        return cls(
            pool_size=settings.db_pool_size,
            tailing=RESERVED_CONNECTIONS,
            listening=0 if uses_redis(settings) else 1,
            sweeping=1 if settings.sweep_seconds > 0 else 0,
        )

    @property
    def per_process(self) -> int:
        return self.pool_size + self.tailing + self.listening + self.sweeping

    def spelled_out(self) -> str:
        parts = [f"SALONBOOK_DB_POOL_SIZE={self.pool_size}", f"{self.tailing} tailer"]
        parts += ["1 LISTEN"] * self.listening + ["1 sweeper"] * self.sweeping
        return " + ".join(parts)


@dataclass(frozen=True, slots=True)
class ServerLimit:
    max_connections: int
    reserved: int
    role_limit: int | None
    database_limit: int | None

    @property
    def available(self) -> int:
        limits = [self.max_connections - self.reserved, self.role_limit, self.database_limit]
        return min(limit for limit in limits if limit is not None)

    def spelled_out(self) -> str:
        said = f"max_connections {self.max_connections} - {self.reserved} reserved"
        if self.role_limit is not None:
            said += f", the role's CONNECTION LIMIT {self.role_limit}"
        if self.database_limit is not None:
            said += f", the database's CONNECTION LIMIT {self.database_limit}"
        return said


_LIMITS = """
SELECT current_setting('max_connections')::int AS max_connections,
    current_setting('superuser_reserved_connections')::int
        + coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
    (SELECT nullif(rolconnlimit, -1) FROM pg_roles WHERE rolname = current_user) AS role_limit,
    (SELECT nullif(datconnlimit, -1) FROM pg_database WHERE datname = current_database())
        AS database_limit
"""


async def server_limit(dsn: str) -> ServerLimit:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        row = await connection.fetchrow(_LIMITS)
    finally:
        await connection.close()
    return ServerLimit(**dict(row))


def worker_count(
    *, asked: int | None, cpus: int, budget: ConnectionBudget, limit: ServerLimit
) -> int:
    """`asked` when it fits (else TooManyConnections); by default one per CPU, as many as fit."""
    fitting = limit.available // budget.per_process
    wanted = asked if asked is not None else cpus
    if asked is None and fitting >= 1:
        return min(wanted, fitting)
    if wanted <= fitting:
        return wanted
    raise TooManyConnections(
        f"{wanted} workers need up to {wanted * budget.per_process} database connections"
        f" ({budget.per_process} each: {budget.spelled_out()}), but PostgreSQL allows"
        f" {limit.available} ({limit.spelled_out()}); lower --workers (SALONBOOK_WORKERS) or"
        " SALONBOOK_DB_POOL_SIZE, or raise max_connections"
    )
