"""Helpers of the realtime tests: arranging commits and waiting for the server's feeds."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette

from salonbook.db import outbox
from salonbook.db.bookings import Booking
from salonbook.db.engine import unit_of_work
from salonbook.db.outbox import Snapshot
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.realtime.listener import LISTENER_NAME, PostgresListenBackend
from salonbook.realtime.tailer import Tailer
from salonbook.use_cases.seeding import take_action
from tests.support.factory import Factory, Party
from tests.support.live import ws_client

EVENTS = """
subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) { cursor kind bookingId booking { status } }
}
"""


def tailer(app: Starlette) -> Tailer:
    stream = app.state.runtime.stream
    assert stream is not None
    found: Tailer = stream.tailer
    return found


def listener(app: Starlette) -> PostgresListenBackend:
    backend = tailer(app)._broadcast._backend
    assert isinstance(backend, PostgresListenBackend)
    return backend


async def terminate_listener(engine: AsyncEngine) -> None:
    """Kill the server process of the app's LISTEN connection, as a network failure would."""
    async with engine.begin() as connection:
        killed = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": LISTENER_NAME},
        )
        assert killed.scalars().all() == [True]


async def until_feeds(app: Starlette, count: int) -> None:
    """Wait until the server has registered `count` subscriptions (a client cannot know)."""
    async with asyncio.timeout(5):
        while tailer(app).feed_count < count:  # noqa: ASYNC110 (server state, no event to await)
            await asyncio.sleep(0.005)


async def caught_up(app: Starlette) -> None:
    """Wait until the tailer has read everything committed so far, so that what a test
    arranged before subscribing is not delivered to its subscribers."""
    server = tailer(app)
    target = await outbox.current_snapshot(app.state.runtime.deps.engine)
    server.wake()
    async with asyncio.timeout(5):
        while not _covers(server.position, target):  # noqa: ASYNC110 (server state)
            await asyncio.sleep(0.005)


def _covers(position: Snapshot | None, target: Snapshot) -> bool:
    """Every transaction visible in `target` is visible in `position`."""
    if position is None or position.xmax < target.xmax:
        return False
    return not any(target.sees(xid) for xid in position.xip)


async def confirmed_bookings(factory: Factory, party: Party, count: int) -> list[Booking]:
    return [
        await factory.booking(
            party, status=BookingStatus.CONFIRMED, starts_in=timedelta(days=3 + n)
        )
        for n in range(count)
    ]


async def cancel(
    connection: AsyncConnection, party: Party, booking: Booking, factory: Factory
) -> None:
    """Cancel as admin on the given connection (inside whatever transaction it has open)."""
    await take_action(
        connection,
        booking=booking.facts,
        action=BookingAction.CANCEL,
        actor=Actor(party.admin.id, Role.ADMIN),
        at=factory.clock.now(),
    )


async def cancel_committed(
    engine: AsyncEngine, party: Party, booking: Booking, factory: Factory
) -> None:
    async with unit_of_work(engine) as connection:
        await cancel(connection, party, booking, factory)


async def cursor_of_a_cancel(
    app: Starlette, engine: AsyncEngine, factory: Factory, party: Party, booking: Booking, live: str
) -> str:
    """The cursor of the event of `booking` being cancelled, as an admin following its stylist
    received it live (a cursor a client really holds, to resume from)."""
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=factory.token(party.admin)) as first:
        operation = await first.subscribe(EVENTS, mine)
        await until_feeds(app, feeds + 1)
        await cancel_committed(engine, party, booking, factory)
        (seen,) = await first.events(operation, 1)
    cursor: str = seen["cursor"]
    return cursor
