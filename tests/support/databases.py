"""A throwaway database of a test's own, on the session's PostgreSQL server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped]
from alembic import command

from salonbook.db.migrate import alembic_config
from salonbook.db.urls import async_url


async def migrate_to(url: str, revision: str) -> None:
    """Alembic runs its own event loop, so it gets a thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(async_url(url)), revision)


@asynccontextmanager
async def fresh_database(server_url: str, *, revision: str = "head") -> AsyncIterator[str]:
    """A new database migrated to `revision`; its plain URL. Dropped at the end."""
    name = f"salonbook_fresh_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    head, _, tail = server_url.partition("?")
    url = f"{head.rsplit('/', 1)[0]}/{name}" + (f"?{tail}" if tail else "")
    try:
        await migrate_to(url, revision)
        yield url
    finally:
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
