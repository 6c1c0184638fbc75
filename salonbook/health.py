"""Readiness: may a load balancer send this process traffic? The database answers within a
bound, its schema is at this code's migration head, the realtime listener is connected, and the
process is not shutting down."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.migrate import head_revision

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    checks: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {"status": "ready" if self.ready else "unavailable", "checks": self.checks}


async def _schema_revision(engine: AsyncEngine) -> str | None:
    """The migration the database is at; None before the first one."""
    async with engine.connect() as connection:
        exists = await connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
        if not exists:
            return None
        found = await connection.execute(text("SELECT version_num FROM alembic_version"))
        return found.scalar_one_or_none()


async def readiness(
    engine: AsyncEngine,
    *,
    listener_connected: bool,
    shutting_down: bool,
) -> Readiness:
    checks: dict[str, str] = {}
    try:
        revision = await asyncio.wait_for(_schema_revision(engine), CHECK_TIMEOUT_SECONDS)
    except Exception:  # unreachable, too slow, or no schema at all: not ready either way
        checks["database"] = "unavailable"
        checks["migrations"] = "unknown"
    else:
        checks["database"] = "ok"
        head = head_revision()
        if revision == head:
            checks["migrations"] = "ok"
        else:
            checks["migrations"] = f"database at {revision or 'no migration'}, code needs {head}"
    checks["listener"] = "ok" if listener_connected else "disconnected"
    if shutting_down:
        checks["process"] = "shutting down"
    return Readiness(ready=all(value == "ok" for value in checks.values()), checks=checks)
