"""A statement_timeout (and a lock_timeout as long) bounds every query: a request stuck behind
a lock is cut off and answered with a retryable SERVICE_UNAVAILABLE."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.urls import plain_url
from salonbook.domain.clock import SettableClock
from tests.support.factory import Factory

BOOKINGS = "{ bookings(first: 5) { edges { node { id } } } }"


@pytest.fixture
async def impatient(database_url: str, clock: SettableClock) -> AsyncIterator[Starlette]:
    settings = Settings(  # type: ignore[call-arg]
        DATABASE_URL=plain_url(database_url),
        SALONBOOK_SWEEP_SECONDS=0,
        SALONBOOK_STATEMENT_TIMEOUT_MS=300,
    )
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        yield app


async def test_every_connection_carries_the_timeouts(impatient: Starlette) -> None:
    async with impatient.state.runtime.deps.engine.connect() as connection:
        assert await connection.scalar(text("SHOW statement_timeout")) == "300ms"
        assert await connection.scalar(text("SHOW lock_timeout")) == "300ms"


async def test_a_query_stuck_behind_a_lock_is_cut_off(
    impatient: Starlette, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    await factory.booking(party)
    token = factory.token(party.admin)
    transport = httpx.ASGITransport(app=impatient)
    async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as http:
        await http.post(
            "/graphql",
            json={"query": "{ me { id } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        async with engine.begin() as connection:
            await connection.execute(text("LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE"))
            # answered while the lock is still held: the wait was bounded by the server
            stuck = await http.post(
                "/graphql", json={"query": BOOKINGS}, headers={"Authorization": f"Bearer {token}"}
            )
    assert stuck.status_code == 503
    assert stuck.json()["errors"] == [
        {
            "message": "The service is temporarily unavailable; try again.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["bookings"],
            "extensions": {"code": "SERVICE_UNAVAILABLE", "retryable": True},
        }
    ]
