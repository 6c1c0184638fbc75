"""transitionBooking's workload: one stylist per client, each with one booking that started an
hour ago, flipped CONFIRMED → IN_PROGRESS → CONFIRMED (START, UNDO_START) over and over, so every
request is a real status change (audit row, version, outbox event, NOTIFY) and the bookings
never run out. Two ways to flip it: the API over HTTP, and the same change in raw SQL."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.database import Salon
from bench.http1 import KeepAliveClient
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.db import bookings, people
from salonbook.db.engine import unit_of_work
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.domain.transitions import find_transition
from salonbook.use_cases.seeding import take_action

TRANSITION = """
mutation Flip($input: TransitionBookingInput!) {
  transitionBooking(input: $input) {
    __typename
    ... on TransitionBookingSuccess {
      booking { id status version }
      statusChange { id fromStatus toStatus createdAt }
    }
    ... on Error { code message }
  }
}
"""
NEXT_ACTION = {
    BookingStatus.CONFIRMED: BookingAction.START,
    BookingStatus.IN_PROGRESS: BookingAction.UNDO_START,
}


@dataclass(frozen=True, slots=True)
class Chair:
    """One client's stylist and the booking they keep starting and un-starting."""

    stylist_id: uuid.UUID
    booking_id: uuid.UUID
    token: str


async def arrange_chairs(engine: AsyncEngine, salon: Salon, count: int) -> list[Chair]:
    """`count` stylists, each with a CONFIRMED booking that started an hour ago."""
    now = datetime.now(UTC)
    start = now.replace(second=0, microsecond=0) - timedelta(hours=1)
    duration = timedelta(minutes=salon.service.duration_minutes)
    system = Actor(salon.system.id, Role.SYSTEM)
    chairs = []
    async with unit_of_work(engine) as connection:
        for n in range(count):
            stylist = await people.upsert(
                connection, person_id=uuid.uuid4(), role=Role.STYLIST,
                display_name=f"Bench Chair {n}", email=None, phone=None, now=now,
            )  # fmt: skip
            booking = await bookings.create(
                connection, booking_id=uuid.uuid4(), stylist_id=stylist.id,
                customer_id=salon.customers[n % len(salon.customers)].id,
                service_id=salon.service.id, start=start, end=start + duration,
                price_cents=salon.service.price_cents, currency=salon.service.currency, now=now,
            )  # fmt: skip
            await take_action(
                connection, booking=booking.facts, action=BookingAction.CONFIRM, actor=system,
                at=now,
            )  # fmt: skip
            token = mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=stylist.id, role=Role.STYLIST)
            chairs.append(Chair(stylist.id, booking.id, token))
    return chairs


@dataclass
class Tally:
    """What one client saw in the measured part of a run."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


Deadline = Callable[[], bool]
"""True once the client should stop."""


class ApiFlipper:
    """One client of the API: its own HTTP/1.1 keep-alive connection (bench/http1.py)."""

    def __init__(self, base_url: str, chair: Chair) -> None:
        self.chair = chair
        self.status: BookingStatus | None = None
        """Where the booking is; read at the first flip (the raw client may have moved it)."""
        self.client = KeepAliveClient(base_url, headers={"Authorization": f"Bearer {chair.token}"})

    async def close(self) -> None:
        await self.client.close()

    async def flip(self) -> str | None:
        """One change; None when it succeeded, else what went wrong."""
        if self.status is None:
            await self._resync()
            assert self.status is not None
        action = NEXT_ACTION[self.status]
        variables = {"input": {"bookingId": str(self.chair.booking_id), "action": action}}
        response = await self.client.post_json(
            "/graphql", {"query": TRANSITION, "variables": variables}
        )
        body: dict[str, Any] = response.json()
        result = (body.get("data") or {}).get("transitionBooking") or {}
        if response.status != 200 or result.get("__typename") != "TransitionBookingSuccess":
            await self._resync()
            return f"{response.status}: {str(body)[:300]}"
        self.status = BookingStatus(result["booking"]["status"])
        return None

    async def _resync(self) -> None:
        query = "query($id: ID!) { booking(id: $id) { status } }"
        response = await self.client.post_json(
            "/graphql", {"query": query, "variables": {"id": str(self.chair.booking_id)}}
        )
        self.status = BookingStatus(response.json()["data"]["booking"]["status"])


_LOCK = """
SELECT * FROM bookings
WHERE id = $1 AND deleted_at IS NULL AND stylist_id = $2
FOR UPDATE NOWAIT
"""
_CHANGE = """
SELECT history_id, event_id, new_version FROM change_booking_status(
    $1, $2, $3, $4, $5, 'stylist', NULL, $6::inet, $7, $8, NULL, NULL)
"""


_READ = "SELECT * FROM bookings WHERE id = $1 AND deleted_at IS NULL AND stylist_id = $2"
_CHANGE_AT_VERSION = """
SELECT (booking).version FROM change_booking_status_at_version(
    $1, $2, $3, $4, $5, $6, 'stylist', NULL, $7::inet, $8, $9, NULL, NULL)
"""


class RawFlipper:
    """One client of raw SQL over its own asyncpg connection. As a transaction (the
    definition of the raw baseline): BEGIN, lock the row (NOWAIT), change_booking_status()
    (audit insert, update, outbox insert, pg_notify), COMMIT. With `statements`: the API's
    own two statements, without a transaction around them: read the row, then
    change_booking_status_at_version() (lock NOWAIT at that version, the same change, read
    back)."""

    def __init__(self, connection: Any, chair: Chair, *, statements: bool = False) -> None:
        self.connection = connection
        self.chair = chair
        self.statements = statements

    @classmethod
    async def connect(cls, dsn: str, chair: Chair, *, statements: bool = False) -> RawFlipper:
        return cls(await asyncpg.connect(dsn), chair, statements=statements)

    async def close(self) -> None:
        await self.connection.close()

    async def flip(self) -> str | None:
        if self.statements:
            return await self._flip_in_two_statements()
        chair = self.chair
        async with self.connection.transaction():
            row = await self.connection.fetchrow(_LOCK, chair.booking_id, chair.stylist_id)
            status = BookingStatus(row["status"])
            transition = find_transition(status, NEXT_ACTION[status])
            assert transition is not None
            await self.connection.fetchrow(
                _CHANGE, chair.booking_id, transition.action.value, status.value,
                transition.target.value, chair.stylist_id, "127.0.0.1", "bench-raw",
                datetime.now(UTC),
            )  # fmt: skip
        return None

    async def _flip_in_two_statements(self) -> str | None:
        chair = self.chair
        row = await self.connection.fetchrow(_READ, chair.booking_id, chair.stylist_id)
        status = BookingStatus(row["status"])
        transition = find_transition(status, NEXT_ACTION[status])
        assert transition is not None
        await self.connection.fetchval(
            _CHANGE_AT_VERSION, chair.booking_id, row["version"], transition.action.value,
            status.value, transition.target.value, chair.stylist_id, "127.0.0.1", "bench-raw",
            datetime.now(UTC),
        )  # fmt: skip
        return None


class Flips(Protocol):
    """A client of any of the ways (API, raw, the PostGraphile peer)."""

    async def flip(self) -> str | None: ...


async def flip_until(flipper: Flips, tally: Tally, *, done: Deadline, at_most: int | None) -> None:
    """Flip until `done()` (checked before each request) or `at_most` requests."""
    count = 0
    while not done() and (at_most is None or count < at_most):
        started = time.perf_counter()
        problem = await flipper.flip()
        if problem is None:
            tally.latencies.append(time.perf_counter() - started)
        else:
            tally.errors.append(problem)
        count += 1
