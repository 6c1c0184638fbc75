"""The sweeper's lease: of several processes on one database, one sweeps each interval and the
others skip; when it stops (or its connection dies), another takes over."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.leases import SWEEPER_LOCK, Lease
from salonbook.domain.clock import SettableClock
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import sweep_forever, sweeper_lease
from tests.support.factory import Factory
from tests.support.sweeps import PAYMENT_TIMEOUT, salon, stored

HOLDERS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND (classid::bigint << 32 | objid::bigint) = :key"
)


@pytest.fixture
async def leases(deps: Deps) -> AsyncIterator[tuple[Lease, Lease]]:
    """Two processes' leases on the session database (two sessions, as two processes have)."""
    first, second = sweeper_lease(deps), sweeper_lease(deps)
    try:
        yield first, second
    finally:
        await first.release()
        await second.release()


async def test_one_holds_the_lease_until_it_lets_go_then_another_takes_it(
    leases: tuple[Lease, Lease], engine: AsyncEngine
) -> None:
    first, second = leases
    assert (await first.held(), await second.held()) == (True, False)
    assert (await first.held(), await second.held()) == (True, False)  # kept, not re-taken
    await first.release()
    assert (await second.held(), await first.held()) == (True, False)
    async with engine.connect() as connection:
        holders = (await connection.execute(HOLDERS, {"key": SWEEPER_LOCK})).scalar_one()
    assert holders == 1


async def test_a_holder_whose_connection_died_loses_the_lease(
    leases: tuple[Lease, Lease], engine: AsyncEngine
) -> None:
    first, second = leases
    assert await first.held() is True
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'salonbook-sweeper' AND datname = current_database()"
            )
        )
    for _ in range(100):  # the server lets go of a terminated session's locks at once
        if await second.held():
            break
        await asyncio.sleep(0.05)
    assert (second.holding, await first.held()) == (True, False)


async def test_a_sweeper_without_the_lease_skips_and_sweeps_once_it_has_it(
    deps: Deps, clock: SettableClock, factory: Factory, leases: tuple[Lease, Lease]
) -> None:
    other_process, this_process = leases
    at = clock.now() + timedelta(days=500)
    booking = await (await salon(factory)).booking(created_at=at - PAYMENT_TIMEOUT * 2)
    clock.set(at)
    assert await other_process.held() is True
    sweeper = asyncio.create_task(
        sweep_forever(deps, payment_timeout=PAYMENT_TIMEOUT, every=0.02, lease=this_process)
    )
    try:
        await asyncio.sleep(0.5)  # some 25 rounds, all skipped
        skipped = (await stored(factory.engine, booking.id))["status"]
        await other_process.release()
        for _ in range(250):
            if (await stored(factory.engine, booking.id))["status"] == "CANCELLED":
                break
            await asyncio.sleep(0.02)
        swept = (await stored(factory.engine, booking.id))["status"]
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
    assert (skipped, swept) == ("PENDING", "CANCELLED")
    assert this_process.holding is False  # a stopped sweeper lets go
