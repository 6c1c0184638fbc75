"""Several payment-timeout sweepers at once over the same expired bookings (as when every server
process runs one): each booking is cancelled exactly once, and the counts they report add up."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from salonbook.domain.clock import SettableClock
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import expire_pending
from tests.conftest import BASE_TIME
from tests.support.factory import Factory
from tests.support.sweeps import (
    PAYMENT_TIMEOUT,
    salon,
    scheduler_cancellations_at,
    stored,
    sweep,
    timed_out,
)

EXPIRED = 40
CASES = [(2, 100), (2, 4), (5, 100), (5, 3), (5, 1)]


@pytest.mark.parametrize(
    ("sweepers", "batch"), CASES, ids=[f"{n} sweepers, batch {b}" for n, b in CASES]
)
async def test_concurrent_sweepers_cancel_each_expired_booking_exactly_once(
    app: Starlette, clock: SettableClock, factory: Factory, sweepers: int, batch: int
) -> None:
    deps: Deps = app.state.runtime.deps
    at = BASE_TIME + timedelta(days=200 + CASES.index((sweepers, batch)))
    # a second earlier, everything older than ours is swept: only ours are left to expire at `at`
    await sweep(deps, clock, at=at - timedelta(seconds=1))
    place = await salon(factory)
    expired = [
        await place.booking(created_at=at - PAYMENT_TIMEOUT - timedelta(minutes=1 + i % 7))
        for i in range(EXPIRED)
    ]
    young = await place.booking(created_at=at - timedelta(minutes=1))
    young_before = await stored(factory.engine, young.id)
    clock.set(at)

    counts = await asyncio.gather(
        *(
            expire_pending(deps, payment_timeout=PAYMENT_TIMEOUT, batch=batch)
            for _ in range(sweepers)
        )
    )

    assert sum(counts) == EXPIRED, counts
    assert [await stored(factory.engine, b.id) for b in expired] == [timed_out(at)] * EXPIRED
    assert await scheduler_cancellations_at(factory.engine, at) == EXPIRED
    assert await stored(factory.engine, young.id) == young_before
