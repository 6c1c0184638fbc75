"""Shutting down cancels the periodic sweeper wherever it is, and it stops: a cancellation
that lands in a statement, or that a library turns into another error on its way out, is not
logged as a failed round and slept off."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import sweep_forever
from tests.support.factory import Factory
from tests.support.sweeps import PAYMENT_TIMEOUT, salon

WAITING_ON_BOOKINGS = text(
    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'bookings'::regclass"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.fixture
async def sweepers() -> AsyncIterator[list[asyncio.Task[None]]]:
    """Sweepers a test starts; any still running at its end (a failed test) are stopped."""
    started: list[asyncio.Task[None]] = []
    yield started
    for task in started:
        for _ in range(100):
            if task.done():
                break
            task.cancel()
            await asyncio.wait({task}, timeout=0.1)


async def stops_when_cancelled(task: asyncio.Task[None]) -> bool:
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=10)
    return done == {task} and task.cancelled()


async def test_the_sweeper_stops_when_cancelled_while_its_statement_waits(
    deps: Deps, engine: AsyncEngine, sweepers: list[asyncio.Task[None]]
) -> None:
    async with engine.connect() as other, other.begin() as transaction:
        await other.execute(text("LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE"))
        sweeper = asyncio.create_task(sweep_forever(deps, payment_timeout=PAYMENT_TIMEOUT, every=0))
        sweepers.append(sweeper)
        async with engine.connect() as watcher:
            for _ in range(1000):  # up to 10 s on a busy machine
                if (await watcher.execute(WAITING_ON_BOOKINGS)).scalar_one() >= 1:
                    break
                await asyncio.sleep(0.01)
            blocked = (await watcher.execute(WAITING_ON_BOOKINGS)).scalar_one()
        stopped = await stops_when_cancelled(sweeper)
        await transaction.rollback()

    assert blocked >= 1  # the sweeper (and maybe the outbox tailer's loaders) waiting
    assert stopped is True


async def test_the_sweeper_stops_when_a_cancellation_comes_back_as_another_error(
    deps: Deps, clock: SettableClock, factory: Factory, sweepers: list[asyncio.Task[None]]
) -> None:
    """An announcer that hides its cancellation behind a RuntimeError, as asyncpg's transaction
    exit once did: the sweeper still stops."""
    entered = asyncio.Event()

    async def hiding_announcer() -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise RuntimeError("the connection is closed") from None

    at = clock.now() + timedelta(days=400)
    await (await salon(factory)).booking(created_at=at - timedelta(hours=1))
    clock.set(at)
    hiding = dataclasses.replace(deps, announcers=[hiding_announcer])
    sweeper = asyncio.create_task(sweep_forever(hiding, payment_timeout=PAYMENT_TIMEOUT, every=0))
    sweepers.append(sweeper)
    await asyncio.wait_for(entered.wait(), timeout=10)

    assert await stops_when_cancelled(sweeper) is True
