"""Who sees a stylist note: the booking's stylist and admins; a customer, the system and
another stylist never do, by any path (the booking, the list, a transition's answer, an event)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.applications import Starlette

from salonbook.domain.statuses import BookingStatus
from tests.e2e.stylist_note_calls import ADD, NOTES, add, notes
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import caught_up, tailer, until_feeds

LISTED = """
query($filter: BookingFilter) { bookings(filter: $filter) { edges { node { id notes { body } } } } }
"""
CANCEL = """
mutation($input: TransitionBookingInput!) { transitionBooking(input: $input) { __typename
  ... on TransitionBookingSuccess { booking { status notes { body } } } ... on Error { code } } }
"""
EVENTS = """
subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) { kind bookingId note { body bodyHtml } } }
"""


async def test_a_customer_and_system_never_see_a_note(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.PENDING)
    secret = f"talks about divorce {uuid.uuid4().hex}"
    await add(api, factory, party.stylist, booking, secret)
    answers: list[Any] = []
    mine = {"filter": {"stylistId": str(party.stylist.id)}}

    for who in (party.customer, party.system):
        token = factory.token(who)
        answers.append(await api.gql(NOTES, {"id": str(booking.id)}, token=token))
        answers.append(await api.gql(LISTED, mine, token=token))
        assert answers[-2]["data"] == {"booking": {"notes": None}}
        assert answers[-1]["data"]["bookings"]["edges"] == [
            {"node": {"id": str(booking.id), "notes": None}}
        ]
    refused = {"input": {"bookingId": str(booking.id), "body": secret}}
    answers.append(await api.gql(ADD, refused, token=factory.token(party.customer)))
    cancel = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "moving away"}
    answers.append(await api.gql(CANCEL, {"input": cancel}, token=factory.token(party.customer)))

    assert answers[-2]["data"]["addStylistNote"]["code"] == "FORBIDDEN"
    assert answers[-1]["data"]["transitionBooking"] == {
        "__typename": "TransitionBookingSuccess",
        "booking": {"status": "CANCELLED", "notes": None},
    }
    assert secret not in json.dumps(answers)
    assert [note["body"] for note in await notes(api, factory, party.admin, booking)] == [secret]


async def test_another_stylist_cannot_reach_a_bookings_notes(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    secret = f"owes a tip {uuid.uuid4().hex}"
    await add(api, factory, party.stylist, booking, secret)
    token = factory.token(party.other_stylist)

    single = await api.gql(NOTES, {"id": str(booking.id)}, token=token)
    listed = await api.gql(LISTED, {"filter": {"stylistId": str(party.stylist.id)}}, token=token)

    assert single["data"] == {"booking": None}
    assert single["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert str(booking.id) not in json.dumps(listed)
    assert secret not in json.dumps([single, listed])


async def test_a_note_event_reaches_the_stylist_but_never_the_customer(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    secret = f"**VIP** {uuid.uuid4().hex}"
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.system)) as system,
    ):
        clients = (stylist, customer, system)
        mine = {"filter": {"stylistId": str(party.stylist.id)}}  # system sees every booking
        operations = [await client.subscribe(EVENTS, mine) for client in clients]
        await until_feeds(app, feeds + len(clients))
        await add(api, factory, party.stylist, booking, secret)
        cancel = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "ill"}
        cancelled = await api.gql(CANCEL, {"input": cancel}, token=factory.token(party.stylist))
        assert cancelled["data"]["transitionBooking"]["booking"]["status"] == "CANCELLED"

        seen_by_stylist = await stylist.events(operations[0], 2)
        seen_by_customer = await customer.events(operations[1], 1)
        seen_by_system = await system.events(operations[2], 1)
        await customer.silence(operations[1])

    assert seen_by_stylist == [
        {
            "kind": "NOTE_ADDED",
            "bookingId": str(booking.id),
            "note": {"body": secret, "bodyHtml": f"<p><strong>VIP</strong> {secret[8:]}</p>\n"},
        },
        {"kind": "STATUS_CHANGED", "bookingId": str(booking.id), "note": None},
    ]
    # what reached the others first is the later change: the note event was never sent
    assert seen_by_customer == seen_by_system == [seen_by_stylist[1]]
