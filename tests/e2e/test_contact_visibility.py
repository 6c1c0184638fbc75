"""Who reads a person's email and phone, by every path that shows a person: a customer sees
their stylist's name only; a stylist their own customers' contact details, through their
bookings; admins and the system everyone's; everyone their own (`me`). Over websockets too,
where one event's result is shared between subscribers: each still gets their own view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db import people
from salonbook.db.bookings import Booking
from salonbook.db.engine import unit_of_work
from salonbook.db.people import Person
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.live import ws_client
from tests.support.streams import cancel_committed, caught_up, tailer, until_feeds

CARD = "id displayName email phone"
BOOKING = f"""query($id: ID!) {{ booking(id: $id) {{
  customer {{ {CARD} }} stylist {{ {CARD} }} }} }}"""
PAGE = f"""query($filter: BookingFilter) {{ bookings(filter: $filter) {{ edges {{ node {{
  id customer {{ {CARD} }} stylist {{ {CARD} }} }} }} }} }}"""
ME = f"{{ me {{ {CARD} }} }}"
EVENTS = f"""subscription {{ bookingEvents {{ bookingId
  booking {{ customer {{ {CARD} }} stylist {{ {CARD} }} }} }} }}"""


async def with_contact(engine: AsyncEngine, person: Person, tag: str) -> Person:
    async with unit_of_work(engine) as connection:
        return await people.upsert(
            connection,
            person_id=person.id,
            role=person.role,
            display_name=person.display_name,
            email=f"{tag}@salon.example",
            phone="+44 20 7946 0000",
            now=person.created_at,
        )


def card(person: Person, *, contact: bool) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "displayName": person.display_name,
        "email": person.email if contact else None,
        "phone": person.phone if contact else None,
    }


@dataclass(frozen=True)
class Salon:
    party: Party
    customer: Person
    stylist: Person
    booking: Booking

    def seen_by(self, viewer: str) -> dict[str, Any]:
        """The booking's people as `viewer` may see them."""
        return {
            "customer": card(self.customer, contact=True),
            "stylist": card(self.stylist, contact=viewer != "customer"),
        }


async def salon(factory: Factory, engine: AsyncEngine) -> Salon:
    party = await factory.party()
    customer = await with_contact(engine, party.customer, "customer")
    stylist = await with_contact(engine, party.stylist, "stylist")
    for other in (party.other_customer, party.other_stylist, party.admin, party.system):
        await with_contact(engine, other, other.role.value)
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    return Salon(party, customer, stylist, booking)


VIEWERS = ["customer", "stylist", "admin", "system"]


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a_booking_shows_its_people_as_the_viewer_may_see_them(
    api: Api, factory: Factory, engine: AsyncEngine, viewer: str
) -> None:
    given = await salon(factory, engine)
    token = factory.token(getattr(given.party, viewer))

    one = await api.gql(BOOKING, {"id": str(given.booking.id)}, token=token)
    page = await api.gql(PAGE, {"filter": {"stylistId": str(given.stylist.id)}}, token=token)

    assert one == {"data": {"booking": given.seen_by(viewer)}}
    node = {"id": str(given.booking.id), **given.seen_by(viewer)}
    assert page == {"data": {"bookings": {"edges": [{"node": node}]}}}


@pytest.mark.parametrize("who", ["customer", "stylist", "other_customer", "admin", "system"])
async def test_everyone_reads_their_own_contact_details(
    api: Api, factory: Factory, engine: AsyncEngine, who: str
) -> None:
    given = await salon(factory, engine)
    person = getattr(given.party, who)
    stored = await with_contact(engine, person, who)

    body = await api.gql(ME, token=factory.token(person))

    assert body == {"data": {"me": card(stored, contact=True)}}


async def test_a_stylist_sees_a_customer_through_their_own_bookings_only(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    given = await salon(factory, engine)
    # the customer also books another stylist, who gets their contact through that booking
    other = Party(
        customer=given.customer,
        stylist=given.party.other_stylist,
        other_customer=given.party.other_customer,
        other_stylist=given.stylist,
        admin=given.party.admin,
        system=given.party.system,
    )
    elsewhere = await factory.booking(other, status=BookingStatus.CONFIRMED)
    stranger = factory.token(given.party.other_stylist)

    theirs = await api.gql(BOOKING, {"id": str(elsewhere.id)}, token=stranger)
    not_theirs = await api.gql(BOOKING, {"id": str(given.booking.id)}, token=stranger)

    assert theirs["data"]["booking"]["customer"] == card(given.customer, contact=True)
    assert theirs["data"]["booking"]["stylist"]["email"] is not None  # their own
    assert not_theirs["data"] == {"booking": None}
    assert [e["extensions"]["code"] for e in not_theirs["errors"]] == ["NOT_FOUND"]


async def test_each_subscriber_gets_their_own_view_of_a_shared_event(
    app: Starlette, factory: Factory, engine: AsyncEngine, live: str
) -> None:
    given = await salon(factory, engine)
    party = given.party
    # a second customer of the same stylist, subscribed with the very same operation
    second = Party(
        customer=await with_contact(engine, party.other_customer, "second"),
        stylist=party.stylist,
        other_customer=party.customer,
        other_stylist=party.other_stylist,
        admin=party.admin,
        system=party.system,
    )
    second_booking = await factory.booking(
        second, status=BookingStatus.CONFIRMED, starts_in=timedelta(days=3)
    )
    viewers = {
        "customer": party.customer,
        "second customer": party.other_customer,
        "stylist": party.stylist,
        "admin": party.admin,
    }
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(viewers["customer"])) as customer,
        ws_client(live, token=factory.token(viewers["second customer"])) as second_customer,
        ws_client(live, token=factory.token(viewers["stylist"])) as stylist,
        ws_client(live, token=factory.token(viewers["admin"])) as admin,
    ):
        clients = {
            "customer": customer,
            "second customer": second_customer,
            "stylist": stylist,
            "admin": admin,
        }
        operations = {name: await client.subscribe(EVENTS) for name, client in clients.items()}
        await until_feeds(app, feeds + len(clients))
        await cancel_committed(engine, party, given.booking, factory)
        await cancel_committed(engine, second, second_booking, factory)
        got = {
            name: await client.events(operations[name], 2 if name in ("stylist", "admin") else 1)
            for name, client in clients.items()
        }
        for name, client in clients.items():
            await client.silence(operations[name], seconds=0.2)

    second_customer_card = card(second.customer, contact=True)

    def event(booking: Booking, customer_card: dict[str, Any], stylist_contact: bool) -> Any:
        return {
            "bookingId": str(booking.id),
            "booking": {
                "customer": customer_card,
                "stylist": card(given.stylist, contact=stylist_contact),
            },
        }

    first_customer_card = card(given.customer, contact=True)
    assert got == {
        "customer": [event(given.booking, first_customer_card, False)],
        "second customer": [event(second_booking, second_customer_card, False)],
        "stylist": [
            event(given.booking, first_customer_card, True),
            event(second_booking, second_customer_card, True),
        ],
        "admin": [
            event(given.booking, first_customer_card, True),
            event(second_booking, second_customer_card, True),
        ],
    }
