"""While the LISTEN connection is lost the role cache is off: every request reads the stored role,
so a change made meanwhile (whose notification nobody hears) applies at once; once the listener
is back the cache starts again, empty. An app of its own: its listener is held down here."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.urls import plain_url
from salonbook.domain.clock import SettableClock
from salonbook.domain.roles import Role
from tests.support.factory import Factory
from tests.support.roles import ME, role_cache, until
from tests.support.streams import listener

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nothing"  # refused at once


@pytest.fixture
async def own_app(settings: Settings, clock: SettableClock) -> AsyncIterator[Starlette]:
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


async def test_a_change_made_while_the_listener_is_down_applies_at_once_and_the_cache_resumes(
    own_app: Starlette, engine: AsyncEngine, factory: Factory, owner_url: str
) -> None:
    cache = role_cache(own_app)
    backend = listener(own_app)
    admin = await factory.person(Role.ADMIN)
    headers = {"Authorization": f"Bearer {factory.token(admin)}"}
    transport = httpx.ASGITransport(app=own_app)
    owner = await asyncpg.connect(plain_url(owner_url))
    async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as http:

        async def role() -> str:
            answer = await http.post("/graphql", json={"query": ME}, headers=headers)
            found: str = answer.json()["data"]["me"]["role"]
            return found

        try:
            assert [await role(), await role()] == ["ADMIN", "ADMIN"]
            assert (cache.hits, cache.misses) == (1, 1)

            dsn, backend._dsn = backend._dsn, UNREACHABLE  # it cannot come back for now
            async with engine.begin() as superuser:  # the owner may not end the app's
                killed = await superuser.execute(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": backend.backend_pid}
                )
            assert killed.scalar_one() is True
            await until(lambda: not cache.live)
            await owner.execute("UPDATE people SET role = 'customer' WHERE id = $1", admin.id)
            while_down = [await role(), await role()]
            misses_while_down = cache.misses

            backend._dsn = dsn
            await until(lambda: cache.live, within=15)
            emptied = len(cache)
            back = [await role(), await role()]
        finally:
            await owner.close()

    assert while_down == ["CUSTOMER", "CUSTOMER"]  # read each time, not from the cache
    assert misses_while_down == 3
    assert emptied == 0
    assert back == ["CUSTOMER", "CUSTOMER"]
    assert (cache.hits, cache.misses) == (2, 4)  # read once more, then kept again
