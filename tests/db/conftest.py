"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.urls import plain_url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection as the role the app uses (the test database's owner)."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        yield connection
    finally:
        await connection.close()
