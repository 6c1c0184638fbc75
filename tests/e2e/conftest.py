"""Fixtures of the end-to-end tests: the session's app over HTTP in process (`http`, `api`) and
on a real port (`live`), a factory that also holds the API, and Node.js with tests/js's
packages (`node`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import ApiFactory
from tests.support.live import serve
from tests.support.node import node_with_packages


@pytest.fixture(scope="session")
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as client:
        yield client


@pytest.fixture(scope="session")
def api(http: httpx.AsyncClient, settings: Settings) -> Api:
    return Api(http=http, settings=settings)


@pytest.fixture
def factory(engine: AsyncEngine, clock: SettableClock, settings: Settings, api: Api) -> ApiFactory:
    """tests/conftest.py's factory, with the API beside it."""
    return ApiFactory(engine=engine, clock=clock, settings=settings, api=api)


@pytest.fixture(scope="session")
async def live(app: Starlette) -> AsyncIterator[str]:
    """The session's app on a real port (host:port), for websocket clients."""
    async with serve(app) as base:
        yield base


@pytest.fixture(scope="session")
def node() -> str:
    """Node, with tests/js's locked packages installed (once: `npm ci` when missing)."""
    return node_with_packages()
