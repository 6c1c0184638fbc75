"""A committed change reaches, over a real websocket, exactly the subscribers who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db import events
from salonbook.db.engine import unit_of_work
from salonbook.db.events import EventKind
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    cancel,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)

EVENTS = """
subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) {
    cursor kind bookingId booking { id status version }
    statusChange { toStatus actorRole ipAddress }
  }
}
"""
START = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: START}) {
  __typename ... on Error { code } } }
"""


async def test_a_change_reaches_the_stylist_customer_and_admin_only(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED, starts_in=timedelta(0))
    await caught_up(app)
    feeds = tailer(app).feed_count
    watchers = {
        "stylist": party.stylist,
        "customer": party.customer,
        "admin": party.admin,
        "other_stylist": party.other_stylist,
        "other_customer": party.other_customer,
    }
    async with (
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.admin)) as admin,
        ws_client(live, token=factory.token(party.other_stylist)) as other_stylist,
        ws_client(live, token=factory.token(party.other_customer)) as other_customer,
    ):
        opened = (stylist, customer, admin, other_stylist, other_customer)
        clients = dict(zip(watchers, opened, strict=True))
        admin_filter = {"filter": {"stylistId": str(party.stylist.id)}}
        operations = {
            name: await client.subscribe(EVENTS, admin_filter if name == "admin" else {})
            for name, client in clients.items()
        }
        await until_feeds(app, feeds + len(clients))
        await api.gql(START, {"id": str(booking.id)}, token=factory.token(party.stylist))
        for name in ("stylist", "customer", "admin"):
            (event,) = await clients[name].events(operations[name], 1)
            assert event["kind"] == "STATUS_CHANGED"
            assert event["bookingId"] == str(booking.id)
            assert event["booking"] == {
                "id": str(booking.id),
                "status": "IN_PROGRESS",
                "version": booking.facts.version + 1,
            }
            expected_ip = "203.0.113.7" if name == "admin" else None
            assert event["statusChange"] == {
                "toStatus": "IN_PROGRESS",
                "actorRole": "STYLIST",
                "ipAddress": expected_ip,
            }
        for name in ("other_stylist", "other_customer"):
            await clients[name].silence(operations[name])


class RolledBack(Exception):
    """Leaves a unit of work, which rolls it back."""


async def test_a_rolled_back_change_reaches_no_one(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    kept, rolled_back = await confirmed_bookings(factory, party, 2)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=factory.token(party.admin)) as admin:
        operation = await admin.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        await until_feeds(app, feeds + 1)
        with pytest.raises(RolledBack):
            async with unit_of_work(engine) as connection:
                await cancel(connection, party, rolled_back, factory)
                raise RolledBack
        await cancel_committed(engine, party, kept, factory)
        (event,) = await admin.events(operation, 1)
        assert event["bookingId"] == str(kept.id)
        await admin.silence(operation)


async def test_note_events_never_reach_customers(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.customer)) as customer,
    ):
        stylist_op = await stylist.subscribe(EVENTS, {})
        customer_op = await customer.subscribe(EVENTS, {})
        await until_feeds(app, feeds + 2)
        async with engine.begin() as connection:
            await events.record(
                connection, booking=booking.facts, kind=EventKind.NOTE_ADDED, at=factory.clock.now()
            )
        (event,) = await stylist.events(stylist_op, 1)
        assert (event["kind"], event["bookingId"]) == ("NOTE_ADDED", str(booking.id))
        await customer.silence(customer_op)


RESCHEDULE = """
mutation($id: ID!, $start: DateTime!) {
  rescheduleBooking(input: {bookingId: $id, startTime: $start}) {
    __typename ... on Error { code } } }
"""
MOVES = """
subscription { bookingEvents { kind bookingId
  reschedule { oldStartTime newStartTime ipAddress } booking { startTime version } } }
"""


async def test_a_reschedule_event_carries_the_old_and_new_times(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    new_start = booking.facts.start + timedelta(hours=3)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=factory.token(party.customer)) as customer:
        operation = await customer.subscribe(MOVES)
        await until_feeds(app, feeds + 1)
        answer = await api.gql(
            RESCHEDULE,
            {"id": str(booking.id), "start": new_start.isoformat()},
            token=factory.token(party.admin),
        )
        assert answer["data"]["rescheduleBooking"]["__typename"] == "RescheduleBookingSuccess"
        (event,) = await customer.events(operation, 1)
    assert event == {
        "kind": "RESCHEDULED",
        "bookingId": str(booking.id),
        "reschedule": {
            "oldStartTime": booking.facts.start.isoformat(),
            "newStartTime": new_start.isoformat(),
            "ipAddress": None,
        },
        "booking": {"startTime": new_start.isoformat(), "version": booking.facts.version + 1},
    }
