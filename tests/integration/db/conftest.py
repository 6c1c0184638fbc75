"""Fixtures of the database tests (`db`, the app role's connection, is in tests/conftest.py:
e2e tests use it too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.engine import create_engine
from salonbook.db.urls import plain_url


@pytest.fixture
async def owner_db(owner_url: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection as the owner role, which migrates and owns the tables."""
    connection = await asyncpg.connect(plain_url(owner_url))
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def lone_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of the app's kind with a pool of one connection, for tests that follow what
    happens to that connection; disposed at the end."""
    engine = create_engine(database_url, pool_size=1)
    try:
        yield engine
    finally:
        await engine.dispose()
