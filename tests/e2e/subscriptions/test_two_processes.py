"""Two server processes on one database, as behind a load balancer: a change made through one
reaches, exactly once, the subscribers held by the other — over PostgreSQL LISTEN/NOTIFY (the
default) and over Redis (BROADCAST_URL=redis://...)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import pytest

from salonbook.db.services import Service
from tests.support.factory import Factory, Party
from tests.support.live import ws_client
from tests.support.processes import (
    ServerProcess,
    booking_maker,
    server_environment,
    servers,
    until_seen,
)

BACKENDS = {"postgres": None, "redis": "redis://127.0.0.1:6379/0"}
EVENTS = """
subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) {
    cursor kind bookingId booking { id status version } statusChange { toStatus actorRole }
  }
}
"""
CONFIRM = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: CONFIRM}) {
  __typename ... on TransitionBookingSuccess { booking { status version } }
  ... on Error { code message } } }
"""


@pytest.fixture(scope="module", params=sorted(BACKENDS))
async def pair(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[ServerProcess, ServerProcess]]:
    """Processes A and B, started once per backend; their logs are in pytest's temp dir."""
    backend: str = request.param
    environment = server_environment(database_url=database_url, broadcast_url=BACKENDS[backend])
    logs = tmp_path_factory.mktemp(f"servers-{backend}")
    async with servers(("a", "b"), environment=environment, logs=logs) as (a, b):
        yield a, b


def bookings_on(
    server: ServerProcess, party: Party, service: Service, factory: Factory
) -> Callable[[int], Awaitable[str]]:
    """The party's customer books its stylist through `server`: in the future on the server
    processes' real clock, within its booking horizon, on the hour (on any start grid)."""
    return booking_maker(
        server.gql,
        stylist_id=party.stylist.id,
        service_id=service.id,
        token=factory.token(party.customer),
        first_start=(datetime.now(UTC) + timedelta(days=30)).replace(
            minute=0, second=0, microsecond=0
        ),
    )


async def test_a_booking_created_on_a_reaches_an_admin_on_b_who_follows_its_stylist(
    pair: tuple[ServerProcess, ServerProcess], factory: Factory
) -> None:
    a, b = pair
    party = await factory.party()
    service = await factory.service()
    async with ws_client(b.base, token=factory.token(party.admin)) as admin:
        follows = await admin.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        event = await until_seen(admin, follows, create=bookings_on(a, party, service, factory))
        booking_id = event["bookingId"]
        assert event == {
            "cursor": ANY,
            "kind": "CREATED",
            "bookingId": booking_id,
            "booking": {"id": booking_id, "status": "PENDING", "version": 1},
            "statusChange": None,
        }
        await admin.silence(follows)  # once, not twice


async def test_a_transition_on_a_reaches_subscribers_on_b_exactly_once(
    pair: tuple[ServerProcess, ServerProcess], factory: Factory
) -> None:
    a, b = pair
    party = await factory.party()
    service = await factory.service()
    async with (
        ws_client(b.base, token=factory.token(party.admin)) as admin,
        ws_client(b.base, token=factory.token(party.customer)) as customer,
    ):
        follows = await admin.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        created = await until_seen(admin, follows, create=bookings_on(a, party, service, factory))
        booking_id = created["bookingId"]
        # Resuming from the creation's cursor, the customer's subscription misses nothing
        # whenever B happens to start it, and replays nothing from before.
        own = await customer.subscribe(
            EVENTS, {"filter": {"bookingId": booking_id}, "after": created["cursor"]}
        )
        confirmed = await a.gql(CONFIRM, {"id": booking_id}, token=factory.token(party.system))
        assert confirmed == {"data": {"transitionBooking": {
            "__typename": "TransitionBookingSuccess",
            "booking": {"status": "CONFIRMED", "version": 2},
        }}}  # fmt: skip
        for client, operation in ((customer, own), (admin, follows)):
            assert await client.events(operation, 1) == [{
                "cursor": ANY,
                "kind": "STATUS_CHANGED",
                "bookingId": booking_id,
                "booking": {"id": booking_id, "status": "CONFIRMED", "version": 2},
                "statusChange": {"toStatus": "CONFIRMED", "actorRole": "SYSTEM"},
            }]  # fmt: skip
        await customer.silence(own)  # once, not twice
        await admin.silence(follows)


async def test_a_cursor_handed_out_by_b_resumes_on_a(
    pair: tuple[ServerProcess, ServerProcess], factory: Factory
) -> None:
    """Both processes sign cursors with the key of their shared settings: a client that
    reconnects through the balancer to the other one resumes where it was."""
    a, b = pair
    party = await factory.party()
    service = await factory.service()
    async with ws_client(b.base, token=factory.token(party.admin)) as on_b:
        follows = await on_b.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        created = await until_seen(on_b, follows, create=bookings_on(a, party, service, factory))
    booking_id = created["bookingId"]
    confirmed = await b.gql(CONFIRM, {"id": booking_id}, token=factory.token(party.system))
    assert confirmed["data"]["transitionBooking"]["__typename"] == "TransitionBookingSuccess"
    async with ws_client(a.base, token=factory.token(party.admin)) as on_a:
        resumed = await on_a.subscribe(
            EVENTS,
            {"filter": {"stylistId": str(party.stylist.id)}, "after": created["cursor"]},
        )
        assert await on_a.events(resumed, 1) == [{
            "cursor": ANY,
            "kind": "STATUS_CHANGED",
            "bookingId": booking_id,
            "booking": {"id": booking_id, "status": "CONFIRMED", "version": 2},
            "statusChange": {"toStatus": "CONFIRMED", "actorRole": "SYSTEM"},
        }]  # fmt: skip
        await on_a.silence(resumed)
