"""What the server records from a request rather than from an input: a User-Agent header is
kept cut to its bound in the audit, and a token's name and email claims are kept only as far
as a person may hold them (a long claim never locks its owner out)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.auth.tokens import mint_token
from salonbook.domain import bounds
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory

CANCEL = """mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: CANCEL,
  reason: "moved away"}) { __typename
    ... on TransitionBookingSuccess { statusChange { userAgent } } } }"""


async def test_a_long_user_agent_is_recorded_cut_to_its_bound(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    agent = "Mozilla/5.0 " + "x" * 4000

    answer = await api.gql(
        CANCEL,
        {"id": str(booking.id)},
        token=factory.token(party.admin),
        headers={"User-Agent": agent},
    )

    assert "errors" not in answer, answer
    kept = agent[: bounds.USER_AGENT_MAX]
    assert answer["data"]["transitionBooking"] == {
        "__typename": "TransitionBookingSuccess",
        "statusChange": {"userAgent": kept},
    }
    query = text("SELECT user_agent FROM booking_status_history WHERE booking_id = :id ORDER BY id")
    async with engine.connect() as connection:
        stored = (await connection.execute(query, {"id": booking.id})).scalars().all()
    assert stored[-1] == kept


async def test_long_or_odd_claims_provision_a_person_who_can_sign_in(
    api: Api, engine: AsyncEngine
) -> None:
    sub = uuid.uuid4()
    secret = api.settings.effective_jwt_secret
    assert secret is not None
    token = mint_token(
        secret=secret,
        sub=sub,
        role=Role.CUSTOMER,
        name="Ada\x00\nLovelace " + "y" * 1000,
        email="a" * 300 + "@example.com",
    )

    answer = await api.gql("{ me { id displayName email } }", token=token)

    name = ("Ada Lovelace " + "y" * 1000)[: bounds.DISPLAY_NAME_MAX]
    assert answer == {"data": {"me": {"id": str(sub), "displayName": name, "email": None}}}
