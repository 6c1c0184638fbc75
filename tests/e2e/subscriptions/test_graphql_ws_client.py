"""The JavaScript ecosystem's graphql-transport-ws client, graphql-ws (tests/js/subscribe.mjs),
against the server: it is let in with a good token, gets exactly the event of a transition, and
is told 4403 for a bad token."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from unittest.mock import ANY

import orjson

from tests.conftest import BASE_TIME
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.node import JS
from tests.support.processes import JsonLinesChild, booking_maker, json_lines_child, until_seen

EVENTS = """
subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) { cursor bookingId }
}
"""
CONFIRM = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: CONFIRM}) {
  __typename ... on TransitionBookingSuccess { booking { status version } }
  ... on Error { code message } } }
"""


@contextlib.asynccontextmanager
async def subscriber(
    node: str, live: str, *, token: str, filter: dict[str, Any], after: str | None = None
) -> AsyncIterator[JsonLinesChild]:
    """subscribe.mjs for one event; it is ended, whatever happens, on the way out."""
    command = [node, str(JS / "subscribe.mjs"), "--url", f"ws://{live}/graphql",
               "--token", token, "--filter", orjson.dumps(filter).decode(),
               "--count", "1", "--timeout", "15000"]  # fmt: skip
    if after is not None:
        command += ["--after", after]
    async with json_lines_child(*command, cwd=JS) as child:
        yield child


async def test_graphql_ws_receives_exactly_the_event_of_a_transition(
    api: Api, factory: Factory, live: str, node: str
) -> None:
    party = await factory.party()
    service = await factory.service()
    async with ws_client(live, token=factory.token(party.admin)) as admin:
        follows = await admin.subscribe(EVENTS, {"filter": {"stylistId": str(party.stylist.id)}})
        create = booking_maker(
            api.gql,
            stylist_id=party.stylist.id,
            service_id=service.id,
            token=factory.token(party.customer),
            first_start=BASE_TIME + timedelta(days=3),
        )
        created = await until_seen(admin, follows, create=create)
    booking_id = created["bookingId"]
    # From the creation's cursor: whenever the server starts the node client's subscription,
    # nothing after it is missed and nothing before it is sent.
    async with subscriber(
        node,
        live,
        token=factory.token(party.customer),
        filter={"bookingId": booking_id},
        after=created["cursor"],
    ) as client:
        assert await client.line() == {"ready": True}
        confirmed = await api.gql(CONFIRM, {"id": booking_id}, token=factory.token(party.system))
        assert confirmed == {"data": {"transitionBooking": {
            "__typename": "TransitionBookingSuccess",
            "booking": {"status": "CONFIRMED", "version": 2},
        }}}  # fmt: skip
        assert await client.line() == {"event": {
            "cursor": ANY,
            "kind": "STATUS_CHANGED",
            "bookingId": booking_id,
            "booking": {"id": booking_id, "status": "CONFIRMED", "version": 2},
            "statusChange": {"toStatus": "CONFIRMED", "actorRole": "SYSTEM"},
        }}  # fmt: skip
        assert await client.exit_code() == 0


async def test_graphql_ws_is_told_4403_for_a_bad_token(live: str, node: str) -> None:
    async with subscriber(node, live, token="not-a-jwt", filter={}) as client:
        assert await client.line() == {"closed": {"code": 4403, "reason": "Forbidden"}}
        assert await client.exit_code() == 3
