"""The service answers over HTTP: auth, a booking created and moved along."""

from __future__ import annotations

from datetime import timedelta

from salonbook.domain.roles import Role
from tests.support.api import Api
from tests.support.factory import Factory

CREATE = """
mutation($input: CreateBookingInput!) {
  createBooking(input: $input) {
    __typename
    ... on CreateBookingSuccess { booking { id status version startTime endTime priceCents
      customer { id } stylist { id } service { id } statusHistory { id }
      availableActions { action requiresReason requiresConfirmation warning } } }
    ... on Error { code message }
  }
}
"""


async def test_me_without_token_is_null(api: Api) -> None:
    assert await api.gql("{ me { id } }") == {"data": {"me": None}}


async def test_a_customer_books_for_itself(api: Api, factory: Factory) -> None:
    party = await factory.party()
    service = await factory.service(minutes=45, price_cents=3000)
    start = factory.clock.now() + timedelta(days=3)
    body = await api.gql(
        CREATE,
        {
            "input": {
                "stylistId": str(party.stylist.id),
                "serviceId": str(service.id),
                "startTime": start.isoformat(),
            }
        },
        token=factory.token(party.customer),
    )
    result = body["data"]["createBooking"]
    assert result["__typename"] == "CreateBookingSuccess", body
    booking = result["booking"]
    assert booking["status"] == "PENDING"
    assert booking["version"] == 1
    assert booking["priceCents"] == 3000
    assert booking["customer"]["id"] == str(party.customer.id)
    assert booking["statusHistory"] == []
    assert [a["action"] for a in booking["availableActions"]] == ["CANCEL"]
    me = await api.gql("{ me { id role } }", token=api.token(party.customer.id, Role.CUSTOMER))
    assert me == {"data": {"me": {"id": str(party.customer.id), "role": "CUSTOMER"}}}
