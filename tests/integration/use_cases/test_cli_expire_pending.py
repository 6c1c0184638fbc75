"""`salonbook expire-pending`: one sweep on the real clock, from a process of its own, printing how
many unpaid bookings it cancelled; processes sweeping at once cancel each booking once.

The command reads the real clock, so bookings are arranged around real now. Beforehand, a sweep
a minute ahead of real now cancels whatever expired PENDING bookings earlier tests left, so the
command's count is exactly this test's (as long as it starts within that minute)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salonbook.db.urls import plain_url
from salonbook.domain.clock import SettableClock
from salonbook.use_cases.deps import Deps
from tests.support.factory import Factory
from tests.support.sweeps import salon, stored, sweep, timed_out

ROOT = Path(__file__).resolve().parents[3]
PRINTED = re.compile(r"cancelled (\d+) unpaid bookings\n")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def count(self) -> int:
        printed = PRINTED.fullmatch(self.stdout)
        assert printed is not None, (self.stdout, self.stderr)
        return int(printed.group(1))


async def expire_pending_command(database_url: str, **settings: str) -> Run:
    """`python -m salonbook.cli expire-pending` on the test database, with only these settings."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SALONBOOK_") and name not in ("DATABASE_URL", "BROADCAST_URL")
    }
    environment |= {"DATABASE_URL": plain_url(database_url), **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "salonbook.cli", "expire-pending",
        cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return Run(process.returncode, stdout.decode(), stderr.decode())


@pytest.fixture
async def real_now(deps: Deps, clock: SettableClock) -> datetime:
    """Real now, after sweeping everything that would expire in the next minute."""
    now = datetime.now(UTC)
    await sweep(deps, clock, at=now + timedelta(minutes=1))
    return now


async def test_the_command_cancels_bookings_past_the_timeout_and_prints_how_many(
    factory: Factory, database_url: str, real_now: datetime
) -> None:
    place = await salon(factory)
    expired = await place.booking(created_at=real_now - timedelta(hours=1))
    young = await place.booking(created_at=real_now - timedelta(minutes=5))
    young_before = await stored(factory.engine, young.id)

    run = await expire_pending_command(database_url)
    finished = datetime.now(UTC)

    assert (run.returncode, run.count) == (0, 1), run
    after = await stored(factory.engine, expired.id)
    swept_at = after["history"][0]["created_at"]
    assert real_now < swept_at < finished
    assert after == timed_out(swept_at)
    assert await stored(factory.engine, young.id) == young_before


async def test_the_command_takes_the_payment_timeout_from_the_settings(
    factory: Factory, database_url: str, real_now: datetime
) -> None:
    place = await salon(factory)
    two_hours_old = await place.booking(created_at=real_now - timedelta(hours=2))
    an_hour_old = await place.booking(created_at=real_now - timedelta(hours=1))
    an_hour_old_before = await stored(factory.engine, an_hour_old.id)

    run = await expire_pending_command(database_url, SALONBOOK_PAYMENT_TIMEOUT_MINUTES="90")

    assert (run.returncode, run.count) == (0, 1), run
    assert (await stored(factory.engine, two_hours_old.id))["status"] == "CANCELLED"
    assert await stored(factory.engine, an_hour_old.id) == an_hour_old_before


async def test_two_commands_at_once_cancel_each_booking_once(
    factory: Factory, database_url: str, real_now: datetime
) -> None:
    place = await salon(factory)
    expired = [
        await place.booking(created_at=real_now - timedelta(minutes=30, seconds=i))
        for i in range(40)
    ]

    runs = await asyncio.gather(*(expire_pending_command(database_url) for _ in range(2)))

    assert [run.returncode for run in runs] == [0, 0], runs
    assert sum(run.count for run in runs) == 40, runs
    for booking in expired:
        after = await stored(factory.engine, booking.id)
        assert after == timed_out(after["history"][0]["created_at"])
