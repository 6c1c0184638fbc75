"""The suite runs against a real PostgreSQL: a fresh database on DATABASE_URL's server, or an
embedded PostgreSQL when DATABASE_URL is not set. As in production, the owner role migrates and
the app serves as the app role, with only the privileges serving needs.

The tests are grouped by what they need: unit/ no I/O, integration/ one database (and the app's
dependencies, `deps`, to call use cases with), e2e/ the app over HTTP or a real server. Here
are the fixtures more than one group uses, each made only when a test asks for it (unit tests
start no database); the HTTP client, the API and the app on a real port are e2e/conftest.py's,
so a test that calls the service over HTTP can only be an e2e test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db import migrate
from salonbook.db.engine import create_engine
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE, ensure_roles
from salonbook.db.urls import async_url, plain_url
from salonbook.domain.clock import SettableClock
from salonbook.use_cases.deps import Deps
from tests.support.databases import as_role, own_database, with_database
from tests.support.factory import Factory

BASE_TIME = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
pytest_plugins = ["tests.support.hang_guard"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep unit/ honest: a test there that needs a database belongs in integration/."""
    unit = Path(__file__).parent / "unit"
    for item in items:
        if item.path.is_relative_to(unit) and "server_url" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid} needs a database: move it to integration/")


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for the session: DATABASE_URL's, or an embedded one."""
    given = os.environ.get("DATABASE_URL")
    if given:
        yield plain_url(given)
        return
    from salonbook.db.embedded import start_embedded

    embedded = start_embedded(data_dir=Path(tmp_path_factory.mktemp("pg")), fresh=True)
    try:
        yield embedded.dsn
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
async def session_database(server_url: str) -> AsyncIterator[str]:
    """A database of this session's own, owned by the owner role, migrated to head by it,
    dropped at the end (the roles, the server's, stay: other sessions may be using them)."""
    async with own_database(server_url, prefix="salonbook_test") as name:
        await ensure_roles(server_url, database=name)
        await migrate.upgrade(owner_url_of(server_url, name), app_role=APP_ROLE)
        yield name


def owner_url_of(server_url: str, database: str) -> str:
    return async_url(with_database(as_role(server_url, OWNER_ROLE), database))


@pytest.fixture(scope="session")
def database_url(server_url: str, session_database: str) -> str:
    """The session database as the app role: what the app serves with (DATABASE_URL)."""
    return async_url(with_database(as_role(server_url, APP_ROLE), session_database))


@pytest.fixture(scope="session")
def owner_url(server_url: str, session_database: str) -> str:
    """The session database as the owner role, which migrates and owns every table."""
    return owner_url_of(server_url, session_database)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection as the role the app uses (the app role, which owns nothing):
    what an attacker with the app's credentials could do."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def clock() -> SettableClock:
    return SettableClock(BASE_TIME)


@pytest.fixture(autouse=True)
def _reset_clock(clock: SettableClock) -> None:
    clock.set(BASE_TIME)


@pytest.fixture(scope="session")
async def engine(server_url: str, session_database: str) -> AsyncIterator[AsyncEngine]:
    """The tests' own engine, for arranging and inspecting data (and stopping the app's
    connections): the server's superuser's. The app's is `deps.engine`, as the app role."""
    engine = create_engine(async_url(with_database(server_url, session_database)), pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str, owner_url: str) -> Settings:
    # A long poll interval: realtime tests must prove delivery by notification and by the
    # reconnect replay, not by the safety-net poll.
    return Settings(  # type: ignore[call-arg]
        DATABASE_URL=database_url,
        SALONBOOK_MIGRATION_DATABASE_URL=owner_url,
        SALONBOOK_REALTIME_POLL_SECONDS=120,
        SALONBOOK_SWEEP_SECONDS=0,  # the sweeper is tested on its own, with a set clock
    )


@pytest.fixture(scope="session")
async def app(settings: Settings, clock: SettableClock) -> AsyncIterator[Starlette]:
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def deps(app: Starlette) -> Deps:
    """The session server's dependencies: its engine, clock and announcers."""
    found: Deps = app.state.runtime.deps
    return found


@pytest.fixture
def factory(engine: AsyncEngine, clock: SettableClock, settings: Settings) -> Factory:
    """Arranges rows in the session database; e2e/conftest.py's also holds the API."""
    return Factory(engine=engine, clock=clock, settings=settings)
