"""The record of each rescheduleBooking move: append-only in the database, and sent to
subscribers with the old and new times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from starlette.applications import Starlette

from salonbook.db.urls import plain_url
from tests.e2e.reschedule_calls import arrange, move
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.sql import INSUFFICIENT_PRIVILEGE, refused
from tests.support.streams import caught_up, tailer, until_feeds

EVENTS = """subscription($f: BookingEventFilter) { bookingEvents(filter: $f) { kind bookingId
  booking { startTime version } reschedule { oldStartTime newStartTime actorRole ipAddress } } }"""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE booking_reschedules SET new_start = new_start + interval '1 day'"
        " WHERE booking_id = $1",
        "UPDATE booking_reschedules SET reason = 'rewritten' WHERE booking_id = $1",
        "DELETE FROM booking_reschedules WHERE booking_id = $1",
        "TRUNCATE booking_reschedules CASCADE",
    ],
)
async def test_the_record_of_moves_is_append_only(
    api: Api, factory: Factory, database_url: str, statement: str
) -> None:
    party, booking = await arrange(factory)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    await move(api, factory, party.admin, booking, start, reason="clash")
    rows = "SELECT * FROM booking_reschedules WHERE booking_id = $1 ORDER BY id"
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        before = await connection.fetch(rows, booking.id)
        transaction = connection.transaction()
        await transaction.start()  # rolled back whatever happens: a TRUNCATE never sticks
        try:
            arguments = [booking.id] if "$1" in statement else []
            await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, *arguments))
        finally:
            await transaction.rollback()
        assert len(before) == 1
        assert await connection.fetch(rows, booking.id) == before
    finally:
        await connection.close()


async def test_the_move_reaches_subscribers_with_the_old_and_new_times(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party, booking = await arrange(factory)
    start = factory.clock.now() + timedelta(days=3)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.admin)) as admin,
    ):
        mine = {"f": {"stylistId": str(party.stylist.id)}}  # an admin sees every booking
        operations = [await customer.subscribe(EVENTS, mine), await admin.subscribe(EVENTS, mine)]
        await until_feeds(app, feeds + 2)
        await move(api, factory, party.admin, booking, start.isoformat())
        (to_customer,) = await customer.events(operations[0], 1)
        (to_admin,) = await admin.events(operations[1], 1)

    def event(ip_address: str | None) -> dict[str, Any]:
        return {
            "kind": "RESCHEDULED",
            "bookingId": str(booking.id),
            "booking": {"startTime": start.isoformat(), "version": booking.facts.version + 1},
            "reschedule": {"oldStartTime": booking.facts.start.isoformat(),
                           "newStartTime": start.isoformat(), "actorRole": "ADMIN",
                           "ipAddress": ip_address},
        }  # fmt: skip

    assert to_admin == event(CLIENT_IP)
    assert to_customer == event(None)  # the audit IP is for admin and system only
