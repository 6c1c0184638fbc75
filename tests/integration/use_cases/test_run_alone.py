"""Work whose one write is a single statement runs without a transaction around it; when the
booking it read changed before its write (or PostgreSQL aborted the statement), it runs again
once, reading afresh, and a second abort is CONCURRENT_UPDATE with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette

from salonbook.db import bookings, history
from salonbook.db.bookings import Booking
from salonbook.db.engine import TransactionAborted, driver_of, reading, unit_of_work
from salonbook.domain.errors import ConcurrentUpdate, ErrorCode
from salonbook.domain.model import Actor, Windows
from salonbook.domain.roles import Role
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.seeding import take_action
from salonbook.use_cases.transactions import Work, run_without_transaction
from tests.support.factory import Factory


async def _meanwhile_started(
    engine: AsyncEngine, booking: Booking, stylist: Actor, at: Any
) -> None:
    async with unit_of_work(engine) as connection:
        await take_action(
            connection, booking=booking.facts, action=BookingAction.START, actor=stylist, at=at
        )


async def test_a_booking_changed_after_it_was_read_is_read_again_and_decided_anew(
    app: Starlette, engine: AsyncEngine, factory: Factory
) -> None:
    deps: Deps = app.state.runtime.deps
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    admin, stylist = Actor(party.admin.id, Role.ADMIN), Actor(party.stylist.id, Role.STYLIST)
    now = factory.clock.now()
    seen: list[BookingStatus] = []

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        read = await bookings.read(connection, booking_id=booking.id, viewer=admin)
        assert read is not None
        seen.append(read.facts.status)
        if len(seen) == 1:
            await _meanwhile_started(engine, read, stylist, now)
        change = decide(
            actor=admin, booking=read.facts, action=BookingAction.CANCEL, reason="closing early",
            now=now, windows=Windows(),
        )  # fmt: skip
        changed, recorded = await bookings.change_at_version(
            connection, booking=read.facts, change=change, actor=admin, ip_address=None,
            user_agent=None, now=now,
        )  # fmt: skip
        return {"from": recorded.from_status.value, "version": changed.facts.version}

    result = await run_without_transaction(deps, work=work)

    assert seen == [BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS]
    assert result == {"from": "IN_PROGRESS", "version": booking.facts.version + 2}
    async with reading(engine) as connection:
        changes = (await history.for_bookings(connection, booking_ids=[booking.id]))[booking.id]
    assert [(c.from_status, c.to_status) for c in changes][-2:] == [
        (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS),
        (BookingStatus.IN_PROGRESS, BookingStatus.CANCELLED),
    ]


def raising(sqlstate: str, attempts: list[int]) -> Work:
    """Work whose statement PostgreSQL aborts with `sqlstate`, counting its attempts."""

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        attempts.append(1)
        await driver_of(connection).execute(
            f"DO $$ BEGIN RAISE EXCEPTION 'aborted' USING ERRCODE = '{sqlstate}'; END $$"
        )
        return {}

    return work


async def test_aborted_twice_is_a_concurrent_update(app: Starlette) -> None:
    deps: Deps = app.state.runtime.deps
    attempts: list[int] = []

    with pytest.raises(TransactionAborted) as refused:
        await run_without_transaction(deps, work=raising("40001", attempts))
    assert isinstance(refused.value, ConcurrentUpdate)
    assert refused.value.code is ErrorCode.CONCURRENT_UPDATE
    assert len(attempts) == 2


async def test_a_lock_not_available_is_not_retried(app: Starlette) -> None:
    deps: Deps = app.state.runtime.deps
    attempts: list[int] = []

    with pytest.raises(ConcurrentUpdate):
        await run_without_transaction(deps, work=raising("55P03", attempts))
    assert len(attempts) == 1
