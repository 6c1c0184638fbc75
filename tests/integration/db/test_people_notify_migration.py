"""Migration 0007 adds the people channel's triggers (a truncation says `*`: forget everyone), and
its downgrade takes them away again."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from alembic import command

from salonbook.db.migrate import alembic_config
from salonbook.db.people import NOTIFY_TRIGGERS, PEOPLE_CHANNEL
from salonbook.db.urls import async_url
from tests.support.databases import fresh_database, migrate_to

BEFORE = "0006"
TRIGGERS = """SELECT tgname FROM pg_trigger WHERE tgrelid = 'people'::regclass
    AND NOT tgisinternal ORDER BY tgname"""
ADD = """INSERT INTO people (id, role, display_name, created_at, updated_at)
    VALUES ($1, 'customer', 'Someone', now(), now())"""


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[str]:
    async with fresh_database(server_url, revision=BEFORE) as url:
        yield url


async def _heard(db: Any) -> asyncio.Queue[str]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    await db.add_listener(PEOPLE_CHANNEL, lambda *args: queue.put_nowait(args[-1]))
    return queue


async def _next(queue: asyncio.Queue[str]) -> str:
    return await asyncio.wait_for(queue.get(), timeout=5)


async def _truncate_people(db: Any) -> None:
    """As only an operator could: the append-only tables that reference people refuse it until
    their guards are off."""
    others = await db.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'people'"
    )
    async with db.transaction():
        for row in others:
            await db.execute(f"ALTER TABLE {row['tablename']} DISABLE TRIGGER USER")
        await db.execute("TRUNCATE people CASCADE")


async def test_up_the_triggers_notify_and_down_they_are_gone(database: str) -> None:
    db = await asyncpg.connect(database)
    try:
        heard = await _heard(db)
        person = uuid.uuid4()
        await db.execute(ADD, person)
        await migrate_to(database, "head")

        assert [row["tgname"] for row in await db.fetch(TRIGGERS)] == sorted(NOTIFY_TRIGGERS)
        await db.execute("UPDATE people SET role = 'stylist' WHERE id = $1", person)
        await _truncate_people(db)
        assert [await _next(heard), await _next(heard)] == [str(person), "*"]

        config = alembic_config(async_url(database))
        await asyncio.to_thread(command.downgrade, config, BEFORE)

        assert await db.fetch(TRIGGERS) == []
        assert not await db.fetchval("SELECT to_regproc('notify_person_change') IS NOT NULL")
        await db.execute(ADD, person)
        await db.execute("UPDATE people SET role = 'admin' WHERE id = $1", person)
        await db.execute(f"NOTIFY {PEOPLE_CHANNEL}, 'marker'")
        assert await _next(heard) == "marker"
    finally:
        await db.close()
