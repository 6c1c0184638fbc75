"""Queries over the websocket: the connection's context outlives operations, its answers don't."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import cancel_committed, confirmed_bookings

BOOKING = "query($id: ID!) { booking(id: $id) { status statusHistory { toStatus } } }"


async def test_a_query_after_a_change_sees_the_change(
    live: str, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    async with ws_client(live, token=factory.token(party.admin)) as client:
        first = await client.subscribe(BOOKING, {"id": str(booking.id)})
        assert (await client.next(first))["payload"] == {
            "data": {
                "booking": {"status": "CONFIRMED", "statusHistory": [{"toStatus": "CONFIRMED"}]}
            }
        }
        assert (await client.next(first))["type"] == "complete"
        await cancel_committed(engine, party, booking, factory)
        second = await client.subscribe(BOOKING, {"id": str(booking.id)})
        assert (await client.next(second))["payload"] == {
            "data": {
                "booking": {
                    "status": "CANCELLED",
                    "statusHistory": [{"toStatus": "CONFIRMED"}, {"toStatus": "CANCELLED"}],
                }
            }
        }
