"""The payment-timeout sweeper: PENDING bookings created more than 15 minutes ago are cancelled
by the scheduler (payment_timeout, nothing charged); everything else is left alone; a booking
someone else holds locked is skipped, not waited for, and swept next time.

The database is shared by the session, so each test first sweeps at its own moment (cancelling
whatever older PENDING bookings earlier tests left), then arranges its bookings: after that, the
count a sweep returns is exactly the number of this test's bookings it cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import sweep_forever
from tests.conftest import BASE_TIME
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.sweeps import PAYMENT_TIMEOUT, salon, stored, sweep, timed_out

DELETE = """
mutation($input: DeleteBookingInput!) { deleteBooking(input: $input) {
  __typename ... on Error { code message } } }
"""
SWEEP_AT = BASE_TIME + timedelta(days=100)
S = BookingStatus


async def test_pending_bookings_past_the_timeout_are_cancelled_and_the_rest_left_alone(
    deps: Deps, clock: SettableClock, factory: Factory, api: Api
) -> None:
    at = SWEEP_AT
    await sweep(deps, clock, at=at)
    place = await salon(factory)
    expired = [
        await place.booking(created_at=at - age)
        for age in (
            PAYMENT_TIMEOUT + timedelta(microseconds=1),
            timedelta(hours=1),
            timedelta(days=3),
        )
    ]
    young = [
        await place.booking(created_at=at - age)
        for age in (PAYMENT_TIMEOUT, PAYMENT_TIMEOUT - timedelta(seconds=1), timedelta(0))
    ]
    old_but_not_pending = [
        await place.booking(created_at=at - timedelta(days=1), status=status)
        for status in (S.CONFIRMED, S.IN_PROGRESS, S.COMPLETED, S.CANCELLED, S.NO_SHOW)
    ]
    deleted = await place.booking(created_at=at - timedelta(hours=1))
    done = await api.gql(
        DELETE,
        {"input": {"bookingId": str(deleted.id), "reason": "entered twice"}},
        token=factory.token(place.party.admin),
    )
    assert done["data"]["deleteBooking"] == {"__typename": "DeleteBookingSuccess"}, done
    left_alone = [*young, *old_but_not_pending, deleted]
    before = [await stored(factory.engine, booking.id) for booking in left_alone]

    count = await sweep(deps, clock, at=at)

    assert count == len(expired)
    assert [await stored(factory.engine, b.id) for b in expired] == [timed_out(at)] * 3
    assert [await stored(factory.engine, b.id) for b in left_alone] == before
    assert before[-1]["deleted"] is True and before[-1]["status"] == "PENDING"
    # swept again at the same moment: nothing is left to cancel, nothing changes twice
    assert await sweep(deps, clock, at=at) == 0
    assert [await stored(factory.engine, b.id) for b in expired] == [timed_out(at)] * 3


async def test_a_booking_expires_once_the_timeout_has_passed_since_its_creation(
    deps: Deps, clock: SettableClock, factory: Factory
) -> None:
    at = SWEEP_AT + timedelta(days=1)
    await sweep(deps, clock, at=at)
    booking = await (await salon(factory)).booking(created_at=at)
    created = await stored(factory.engine, booking.id)

    for later in (timedelta(minutes=1), PAYMENT_TIMEOUT):
        assert await sweep(deps, clock, at=at + later) == 0
        assert await stored(factory.engine, booking.id) == created

    expires = at + PAYMENT_TIMEOUT + timedelta(seconds=1)
    assert await sweep(deps, clock, at=expires) == 1
    assert await stored(factory.engine, booking.id) == timed_out(expires)


@pytest.mark.parametrize("batch", [1, 3, 7, 8])
async def test_a_sweep_goes_on_past_its_batch_size_until_none_is_left(
    deps: Deps, clock: SettableClock, factory: Factory, batch: int
) -> None:
    at = SWEEP_AT + timedelta(days=2, hours=batch)
    await sweep(deps, clock, at=at)
    place = await salon(factory)
    expired = [await place.booking(created_at=at - timedelta(minutes=20 + i)) for i in range(7)]

    count = await sweep(deps, clock, at=at, batch=batch)

    assert count == 7
    assert [await stored(factory.engine, b.id) for b in expired] == [timed_out(at)] * 7


async def test_a_booking_locked_by_another_transaction_is_skipped_then_swept_next_time(
    deps: Deps, clock: SettableClock, factory: Factory, engine: AsyncEngine
) -> None:
    at = SWEEP_AT + timedelta(days=3)
    await sweep(deps, clock, at=at)
    place = await salon(factory)
    held = await place.booking(created_at=at - timedelta(hours=1))
    free = await place.booking(created_at=at - timedelta(hours=2))
    before = await stored(engine, held.id)

    async with engine.connect() as other, other.begin() as transaction:
        lock = text("SELECT id FROM bookings WHERE id = :id FOR UPDATE")
        assert (await other.execute(lock, {"id": held.id})).scalar_one() == held.id
        # a waiting sweep would block on this very task's lock until lock_timeout, and fail
        count = await asyncio.wait_for(sweep(deps, clock, at=at), timeout=30)
        assert count == 1
        assert await stored(engine, free.id) == timed_out(at)
        assert await stored(engine, held.id) == before
        await transaction.rollback()

    later = at + timedelta(minutes=1)
    assert await sweep(deps, clock, at=later) == 1
    assert await stored(engine, held.id) == timed_out(later)
    assert await stored(engine, free.id) == timed_out(at)


class FailingOnce:
    """The server clock, except that the first reading fails (as a lost connection would)."""

    def __init__(self, clock: SettableClock) -> None:
        self.clock = clock
        self.failed = False

    def now(self) -> datetime:
        if not self.failed:
            self.failed = True
            raise RuntimeError("the first sweep fails")
        return self.clock.now()


async def test_the_periodic_sweeper_survives_a_failed_round_and_sweeps_the_next(
    deps: Deps, clock: SettableClock, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    at = SWEEP_AT + timedelta(days=4)
    await sweep(deps, clock, at=at)
    booking = await (await salon(factory)).booking(created_at=at - timedelta(hours=1))
    clock.set(at)
    failing = dataclasses.replace(deps, clock=FailingOnce(clock))

    task = asyncio.create_task(sweep_forever(failing, payment_timeout=PAYMENT_TIMEOUT, every=0.05))
    try:
        for _ in range(200):
            if (await stored(factory.engine, booking.id))["status"] == "CANCELLED":
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert await stored(factory.engine, booking.id) == timed_out(at)
    failures = [
        r.getMessage()
        for r in caplog.records
        if r.name == "salonbook.sweeper" and r.levelno >= logging.WARNING
    ]
    assert failures == ["the payment-timeout sweep failed"]
