"""Fixtures of the end-to-end tests: the session's app on a real port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from tests.support.live import serve


@pytest.fixture(scope="session")
async def live(app: Starlette) -> AsyncIterator[str]:
    """The session's app on a real port (host:port), for websocket clients."""
    async with serve(app) as base:
        yield base
