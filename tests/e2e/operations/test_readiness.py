"""/healthz says the process is alive; /readyz says whether it should get traffic: database
reachable, schema at this code's migration head, listener connected, not shutting down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.db.migrate import head_revision
from salonbook.db.urls import async_url, plain_url
from salonbook.domain.clock import SettableClock
from salonbook.health import readiness
from tests.support.databases import own_database, with_database

ALL_OK = {"database": "ok", "migrations": "ok", "listener": "ok"}


async def test_healthz_and_readyz_when_all_is_well(http: httpx.AsyncClient) -> None:
    alive = await http.get("/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "checks": ALL_OK})


@pytest.fixture
async def bare_database(server_url: str) -> AsyncIterator[AsyncEngine]:
    """An empty database next to the suite's: no migration has run in it."""
    async with own_database(server_url, prefix="salonbook_bare") as name:
        engine = create_engine(async_url(with_database(server_url, name)), pool_size=1)
        try:
            yield engine
        finally:
            await engine.dispose()


async def test_a_database_without_migrations_is_not_ready(bare_database: AsyncEngine) -> None:
    found = await readiness(bare_database, listener_connected=True, shutting_down=False)
    assert not found.ready
    assert found.checks == {
        "database": "ok",
        "migrations": f"database at no migration, code needs {head_revision()}",
        "listener": "ok",
    }


async def test_a_database_behind_the_code_is_not_ready(bare_database: AsyncEngine) -> None:
    async with bare_database.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE alembic_version (version_num text)")
        await connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0002')")
    found = await readiness(bare_database, listener_connected=True, shutting_down=False)
    assert found.as_json() == {
        "status": "unavailable",
        "checks": {
            "database": "ok",
            "migrations": f"database at 0002, code needs {head_revision()}",
            "listener": "ok",
        },
    }


async def test_a_disconnected_listener_is_not_ready(engine: AsyncEngine) -> None:
    found = await readiness(engine, listener_connected=False, shutting_down=False)
    assert found.as_json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "listener": "disconnected"},
    }


async def test_a_process_going_away_is_no_longer_ready(
    database_url: str, clock: SettableClock
) -> None:
    settings = Settings(DATABASE_URL=plain_url(database_url), SALONBOOK_SWEEP_SECONDS=0)  # type: ignore[call-arg]
    app: Starlette = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as http:
            assert (await http.get("/readyz")).status_code == 200
            await app.state.runtime.going_away()
            going = await http.get("/readyz")
            assert going.status_code == 503
            assert going.json()["checks"] == ALL_OK | {"process": "shutting down"}
            assert (await http.get("/healthz")).status_code == 200
