"""One event is executed once per (query, variables, audience), and every subscriber still gets
exactly what its role may see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from salonbook.api.subscriptions.events import BookingEvent
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import caught_up, tailer, until_feeds

EVENTS = """
subscription { bookingEvents { kind bookingId statusChange { actorRole ipAddress }
  booking { status availableActions { action } } } }
"""
START = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: START}) { __typename } }
"""


async def test_subscribers_of_one_role_share_one_execution(
    app: Starlette, api: Api, factory: Factory, live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED, starts_in=timedelta(0))
    executed: list[str] = []
    real = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counting(self: Any, serially: bool | None = None) -> Any:
        if isinstance(self.root_value, BookingEvent):
            executed.append(self.root_value.viewer.role.value)
        return real(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)
    await caught_up(app)
    feeds = tailer(app).feed_count
    admins = [factory.token(party.admin)] * 3
    async with (
        ws_client(live, token=admins[0]) as first,
        ws_client(live, token=admins[1]) as second,
        ws_client(live, token=admins[2]) as third,
        ws_client(live, token=factory.token(party.stylist)) as stylist,
    ):
        clients = (first, second, third, stylist)
        operations = [await client.subscribe(EVENTS) for client in clients]
        await until_feeds(app, feeds + 4)
        await api.gql(START, {"id": str(booking.id)}, token=factory.token(party.stylist))
        received = []
        for client, operation in zip(clients, operations, strict=True):
            events = await client.events(operation, 1)
            received.append(events[0])
    admin_view, stylist_view = received[0], received[3]
    assert received[1] == received[2] == admin_view
    assert admin_view["statusChange"] == {"actorRole": "STYLIST", "ipAddress": "203.0.113.7"}
    assert stylist_view["statusChange"] == {"actorRole": "STYLIST", "ipAddress": None}
    assert [a["action"] for a in admin_view["booking"]["availableActions"]] == [
        "CANCEL", "COMPLETE", "UNDO_START"
    ]  # fmt: skip
    assert sorted(executed) == ["admin", "stylist"]
