"""A page of bookings names the point its events start from (`eventsCursor`): subscribing after
it replays what committed since the page was read — a transaction still open during the read
included — and nothing the page already saw."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.engine import unit_of_work
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import EVENTS, cancel, cancel_committed, caught_up, confirmed_bookings

PAGE = """
query($filter: BookingFilter) {
  bookings(filter: $filter) { eventsCursor edges { node { id status } } }
}
"""


async def test_events_after_a_page_are_those_it_did_not_see(
    app: Starlette, engine: AsyncEngine, factory: Factory, api: Api, live: str
) -> None:
    party = await factory.party()
    before, during, after = await confirmed_bookings(factory, party, 3)
    token = factory.token(party.admin)
    mine = {"stylistId": str(party.stylist.id)}
    await cancel_committed(engine, party, before, factory)
    async with unit_of_work(engine) as open_connection:  # commits after the page is read
        await cancel(open_connection, party, during, factory)
        body = await api.gql(PAGE, {"filter": mine}, token=token)
    await cancel_committed(engine, party, after, factory)

    page: dict[str, Any] = body["data"]["bookings"]
    statuses = {edge["node"]["id"]: edge["node"]["status"] for edge in page["edges"]}
    assert statuses == {
        str(before.id): "CANCELLED",
        str(during.id): "CONFIRMED",
        str(after.id): "CONFIRMED",
    }
    await caught_up(app)
    async with ws_client(live, token=token) as client:
        operation = await client.subscribe(EVENTS, {"filter": mine, "after": page["eventsCursor"]})
        replayed = await client.events(operation, 2)
        assert [event["bookingId"] for event in replayed] == [str(during.id), str(after.id)]
        assert [event["booking"]["status"] for event in replayed] == ["CANCELLED", "CANCELLED"]
        await client.silence(operation)
