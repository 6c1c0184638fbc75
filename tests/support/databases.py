"""Databases of a test's own on the session's PostgreSQL server, and URLs naming them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
from alembic import command

from salonbook.db.migrate import alembic_config
from salonbook.db.urls import async_url


def with_database(url: str, database: str) -> str:
    """The URL naming `database` on the same server instead of the URL's own."""
    head, _, tail = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{database}" + (f"?{tail}" if tail else "")


def as_role(url: str, role: str) -> str:
    """The URL as `role` (no password: the test servers trust local connections)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))


async def _as_superuser(server_url: str, statement: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


@asynccontextmanager
async def own_database(
    server_url: str, *, prefix: str, owner: str | None = None
) -> AsyncIterator[str]:
    """A new, empty database on the server (owned by `owner`, else by the server's user); its
    name. Dropped at the end, connections or not."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    owned = f" OWNER {owner}" if owner else ""
    await _as_superuser(server_url, f'CREATE DATABASE "{name}"{owned}')
    try:
        yield name
    finally:
        await _as_superuser(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrate_to(url: str, revision: str) -> None:
    """Alembic runs its own event loop, so it gets a thread."""
    await asyncio.to_thread(command.upgrade, alembic_config(async_url(url)), revision)


@asynccontextmanager
async def fresh_database(server_url: str, *, revision: str = "head") -> AsyncIterator[str]:
    """A new database migrated to `revision`; its plain URL. Dropped at the end."""
    async with own_database(server_url, prefix="salonbook_fresh") as name:
        url = with_database(server_url, name)
        await migrate_to(url, revision)
        yield url
