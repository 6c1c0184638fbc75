"""The demo salon's bookings start on the start grid, whatever the time it is loaded at."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.engine import create_engine
from salonbook.db.urls import async_url
from salonbook.demo import BOOKINGS, load_demo
from salonbook.domain.model import Windows
from tests.support.databases import fresh_database


@pytest.mark.parametrize("grid", [5, 15])
async def test_demo_bookings_start_on_the_grid(server_url: str, grid: int) -> None:
    odd_moment = datetime(2031, 3, 10, 10, 7, 13, 123456, tzinfo=UTC)
    async with fresh_database(server_url) as url:
        engine = create_engine(async_url(url), pool_size=1)
        try:
            assert await load_demo(engine, now=odd_moment, windows=Windows(start_grid_minutes=grid))
        finally:
            await engine.dispose()
        db = await asyncpg.connect(url)
        try:
            starts = [
                row["start_time"] for row in await db.fetch("SELECT start_time FROM bookings")
            ]
        finally:
            await db.close()
    assert len(starts) == len(BOOKINGS)
    assert all(s.second == s.microsecond == s.minute % grid == 0 for s in starts), starts
