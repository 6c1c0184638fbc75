"""Writers of one stylist's slots take turns (salonbook/db/slots.py): a booking or a move for a
stylist waits while another transaction holds that stylist's slots, and only that stylist's.
(tests/e2e/test_concurrency.py has a burst of bookings for one slot getting one booking
and nothing but SLOT_UNAVAILABLE.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.engine import unit_of_work
from salonbook.db.services import Service
from salonbook.db.slots import take_slots_of
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party

CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) { __typename
  ... on CreateBookingSuccess { booking { stylist { id } } }
  ... on Error { code } } }
"""
MOVE = """
mutation($input: RescheduleBookingInput!) { rescheduleBooking(input: $input) { __typename
  ... on RescheduleBookingSuccess { booking { startTime } }
  ... on Error { code } } }
"""
WAITING = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event = 'advisory'"
)


async def waiting_for_slots(db: Any) -> int:
    """How many backends wait on an advisory lock, once one does (or after 10 s)."""
    for _ in range(1000):
        if await db.fetchval(WAITING) > 0:
            break
        await asyncio.sleep(0.01)
    found: int = await db.fetchval(WAITING)
    return found


async def booked_stylist(
    api: Api, factory: Factory, party: Party, service: Service, stylist_id: UUID
) -> str:
    given = {
        "customerId": str(party.customer.id),
        "stylistId": str(stylist_id),
        "serviceId": str(service.id),
        "startTime": (factory.clock.now() + timedelta(days=5)).isoformat(),
    }
    body = await api.gql(CREATE, {"input": given}, token=factory.token(party.admin))
    found: str = body["data"]["createBooking"]["booking"]["stylist"]["id"]
    return found


async def while_slots_held(
    engine: AsyncEngine, db: Any, stylist_id: UUID, waiter: Awaitable[Any]
) -> tuple[int, bool, Any]:
    """Run `waiter` while a transaction holds the stylist's slots: how many waited on them,
    whether `waiter` was still waiting when they were let go, and what it answered after."""
    async with unit_of_work(engine) as holder:
        await take_slots_of(holder, stylist_id)
        task = asyncio.ensure_future(waiter)
        waiters = await waiting_for_slots(db)
        still_waiting = not task.done()
    return waiters, still_waiting, await task


async def test_a_booking_waits_for_its_stylists_slots_and_no_one_elses(
    api: Api, factory: Factory, engine: AsyncEngine, db: Any
) -> None:
    party = await factory.party()
    service = await factory.service()

    async def both() -> tuple[str, str]:
        held = asyncio.ensure_future(booked_stylist(api, factory, party, service, party.stylist.id))
        await asyncio.sleep(0)
        other = await booked_stylist(api, factory, party, service, party.other_stylist.id)
        return other, await held

    waiters, still_waiting, (other, held) = await while_slots_held(
        engine, db, party.stylist.id, both()
    )

    assert waiters == 1
    assert still_waiting is True
    assert (other, held) == (str(party.other_stylist.id), str(party.stylist.id))


async def test_a_move_waits_for_its_stylists_slots(
    api: Api, factory: Factory, engine: AsyncEngine, db: Any
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    new_start = booking.facts.start + timedelta(hours=3)
    given = {"bookingId": str(booking.id), "startTime": new_start.isoformat()}
    move = api.gql(MOVE, {"input": given}, token=factory.token(party.admin))

    waiters, still_waiting, moved = await while_slots_held(engine, db, party.stylist.id, move)

    assert waiters == 1
    assert still_waiting is True
    assert moved["data"]["rescheduleBooking"] == {
        "__typename": "RescheduleBookingSuccess",
        "booking": {"startTime": new_start.isoformat()},
    }


async def test_the_slots_lock_refuses_to_be_taken_outside_a_transaction(
    engine: AsyncEngine, factory: Factory
) -> None:
    """Outside a transaction the advisory lock would be let go as soon as it was taken."""
    stylist = (await factory.party()).stylist
    async with engine.connect() as connection:
        with pytest.raises(RuntimeError, match="needs a transaction"):
            await take_slots_of(connection, stylist.id)
