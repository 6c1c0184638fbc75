"""A page of bookings loads its people, services and histories before its nested fields ask
(they then answer at once); a single booking loads them when asked. Both answer the same."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory

NODE = """
id status version
customer { id displayName role }
stylist { id displayName role }
service { id name durationMinutes priceCents }
statusHistory { id action fromStatus toStatus actorRole createdAt }
"""
PAGE = f"""
query($stylistId: ID!) {{
  bookings(first: 50, filter: {{stylistId: $stylistId}}) {{ edges {{ node {{ {NODE} }} }} }}
}}
"""
ONE = f"query($id: ID!) {{ booking(id: $id) {{ {NODE} }} }}"
BY_FRAGMENT = """
query($stylistId: ID!) {
  bookings(first: 50, filter: {stylistId: $stylistId}) { edges { node { ...People } } }
}
fragment People on Booking { id customer { displayName } stylist { displayName } }
"""


async def test_a_page_answers_its_nested_fields_as_single_bookings_do(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    statuses = [BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.COMPLETED]
    made = [
        await factory.booking(party, status=status, starts_in=timedelta(days=2 + n))
        for n, status in enumerate(statuses)
    ]
    token = factory.token(party.admin)

    page = await api.gql(PAGE, {"stylistId": str(party.stylist.id)}, token=token)
    singles: list[dict[str, Any]] = [
        (await api.gql(ONE, {"id": str(booking.id)}, token=token))["data"]["booking"]
        for booking in made
    ]

    nodes = [edge["node"] for edge in page["data"]["bookings"]["edges"]]
    assert nodes == singles
    assert [len(node["statusHistory"]) for node in nodes] == [0, 1, 3]
    assert {node["customer"]["id"] for node in nodes} == {str(party.customer.id)}
    assert {node["stylist"]["id"] for node in nodes} == {str(party.stylist.id)}


async def test_fields_selected_through_a_fragment_are_answered(api: Api, factory: Factory) -> None:
    party = await factory.party()
    await factory.booking(party)
    token = factory.token(party.stylist)

    page = await api.gql(BY_FRAGMENT, {"stylistId": str(party.stylist.id)}, token=token)

    assert "errors" not in page
    (edge,) = page["data"]["bookings"]["edges"]
    assert edge["node"]["customer"] == {"displayName": party.customer.display_name}
    assert edge["node"]["stylist"] == {"displayName": party.stylist.display_name}
