"""The demo salon has opening hours, working hours and time off, and every demo booking's busy
span lies inside its stylist's working time, whatever the moment it is loaded at."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
import pytest

from salonbook.db.engine import create_engine
from salonbook.db.urls import async_url
from salonbook.demo import BOOKINGS, demo_id, load_demo
from salonbook.domain.model import Windows
from tests.support.databases import fresh_database

BERLIN = ZoneInfo("Europe/Berlin")
# (stylist, ISO weekday) -> the one interval they work that day
WORKS = {
    **{(demo_id("stylist-sam"), day): (time(9), time(17)) for day in range(1, 6)},
    (demo_id("stylist-sam"), 6): (time(10), time(14)),
    **{(demo_id("stylist-rio"), day): (time(11), time(19)) for day in range(2, 7)},
}
MOMENTS = [
    datetime(2031, 3, 9, 3, 0, tzinfo=BERLIN),  # a Sunday night
    datetime(2031, 3, 12, 12, 7, 13, tzinfo=UTC),  # a Wednesday noon, off the grid
    datetime(2031, 3, 15, 18, 50, tzinfo=BERLIN),  # Saturday, the salon about to close
    datetime(2031, 3, 30, 1, 30, tzinfo=UTC),  # the spring change in Berlin
]


@pytest.mark.parametrize("moment", MOMENTS, ids=[m.isoformat() for m in MOMENTS])
async def test_every_demo_booking_lies_in_its_stylists_working_time(
    server_url: str, moment: datetime
) -> None:
    async with fresh_database(server_url) as url:
        engine = create_engine(async_url(url), pool_size=1)
        try:
            assert await load_demo(engine, now=moment, windows=Windows(start_grid_minutes=15))
        finally:
            await engine.dispose()
        db = await asyncpg.connect(url)
        try:
            found = await db.fetch(
                "SELECT stylist_id, start_time, busy_until FROM bookings ORDER BY start_time"
            )
            time_off = await db.fetch("SELECT stylist_id, start_time, end_time FROM time_off")
            settings = await db.fetchrow(
                "SELECT time_zone, slot_minutes, opening_hours::text FROM salon_settings"
            )
            hours = await db.fetchval("SELECT count(*) FROM stylist_schedules")
            audited = await db.fetchval("SELECT count(*) FROM schedule_changes")
        finally:
            await db.close()
    assert len(found) == len(BOOKINGS)
    assert (settings["time_zone"], settings["slot_minutes"]) == ("Europe/Berlin", 15)
    assert '"MONDAY": [["09:00", "19:00"]]' in settings["opening_hours"]
    assert "SUNDAY" not in settings["opening_hours"]
    assert (hours, len(time_off), audited) == (2, 2, 1 + 2 + 2)
    for row in found:
        start, end = row["start_time"].astimezone(BERLIN), row["busy_until"].astimezone(BERLIN)
        assert start.date() == end.date(), row
        opens, closes = WORKS[row["stylist_id"], start.isoweekday()]
        assert opens <= start.time() and end.time() <= closes, row
        assert start.minute % 15 == 0
        for off in time_off:
            if off["stylist_id"] == row["stylist_id"]:
                assert (
                    row["busy_until"] <= off["start_time"] or off["end_time"] <= row["start_time"]
                )
