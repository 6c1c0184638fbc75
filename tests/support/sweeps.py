"""Arranging PENDING bookings of a chosen age and reading back what a payment-timeout sweep
did to them, straight from the tables (deleted bookings included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.db.services import Service
from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from salonbook.domain.system_actors import SCHEDULER
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import expire_pending
from tests.support.factory import Factory, Party

PAYMENT_TIMEOUT = timedelta(minutes=15)
BOOKING_ROW = text(
    "SELECT status, version, cancel_reason, cancel_actor_role, refund_policy, refund_cents,"
    " deleted_at IS NOT NULL AS deleted FROM bookings WHERE id = :id"
)
HISTORY_ROWS = text(
    "SELECT action, from_status, to_status, actor_id, actor_role, reason,"
    " host(ip_address) AS ip_address, user_agent, created_at"
    " FROM booking_status_history WHERE booking_id = :id ORDER BY id"
)
SCHEDULER_CANCELLATIONS_AT = text(
    "SELECT count(*) FROM booking_status_history"
    " WHERE actor_id = :actor AND to_status = 'CANCELLED' AND created_at = :at"
)


@dataclass
class Salon:
    """One party's stylist, booked at a new hour each time so no two bookings overlap."""

    factory: Factory
    party: Party
    service: Service
    booked: int = 0

    async def booking(
        self,
        *,
        created_at: datetime,
        status: BookingStatus = BookingStatus.PENDING,
    ) -> Booking:
        """A booking created at `created_at` (the factory creates an hour before its clock)."""
        clock = self.factory.clock
        now = clock.now()
        clock.set(created_at + timedelta(hours=1))
        try:
            self.booked += 1
            made = await self.factory.booking(
                self.party,
                status=status,
                service=self.service,
                starts_in=timedelta(days=30, hours=2 * self.booked),
            )
        finally:
            clock.set(now)
        assert made.created_at == created_at
        return made


async def salon(factory: Factory) -> Salon:
    return Salon(factory, await factory.party(), await factory.service(minutes=60))


async def sweep(deps: Deps, clock: SettableClock, *, at: datetime, batch: int = 100) -> int:
    """One payment-timeout sweep with the server clock (deps' clock) at `at`."""
    assert deps.clock is clock
    clock.set(at)
    return await expire_pending(deps, payment_timeout=PAYMENT_TIMEOUT, batch=batch)


async def stored(engine: AsyncEngine, booking_id: UUID) -> dict[str, Any]:
    """The booking's row and its audit history, as stored."""
    async with engine.connect() as connection:
        row = (await connection.execute(BOOKING_ROW, {"id": booking_id})).one()
        history = await connection.execute(HISTORY_ROWS, {"id": booking_id})
        return {**row._mapping, "history": [dict(change._mapping) for change in history]}


def timed_out(at: datetime) -> dict[str, Any]:
    """A PENDING booking after the sweeper cancelled it at `at`."""
    return {
        "status": "CANCELLED",
        "version": 2,
        "cancel_reason": "payment_timeout",
        "cancel_actor_role": "system",
        "refund_policy": "NOT_CHARGED",
        "refund_cents": 0,
        "deleted": False,
        "history": [
            {
                "action": "CANCEL",
                "from_status": "PENDING",
                "to_status": "CANCELLED",
                "actor_id": SCHEDULER.person_id,
                "actor_role": "system",
                "reason": "payment_timeout",
                "ip_address": None,
                "user_agent": None,
                "created_at": at,
            }
        ],
    }


async def scheduler_cancellations_at(engine: AsyncEngine, at: datetime) -> int:
    """How many bookings (anyone's) the scheduler cancelled at exactly `at`."""
    async with engine.connect() as connection:
        found = await connection.execute(
            SCHEDULER_CANCELLATIONS_AT, {"actor": SCHEDULER.person_id, "at": at}
        )
        return int(found.scalar_one())
