"""Websocket authentication and what a subscriber may ask for."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.domain.roles import Role
from tests.support.factory import Factory
from tests.support.live import Closed, ws_client

EVENTS = """subscription($f: BookingEventFilter, $a: String) {
  bookingEvents(filter: $f, after: $a) { kind } }"""


@pytest.mark.parametrize(
    "token",
    [
        mint_token(secret="not-the-secret-not-the-secret-xx", sub=uuid.uuid4(), role=Role.ADMIN),
        mint_token(
            secret=DEVELOPMENT_JWT_SECRET,
            sub=uuid.uuid4(),
            role=Role.ADMIN,
            ttl=timedelta(seconds=-1),
        ),
        "garbage",
    ],
    ids=["bad signature", "expired", "garbage"],
)
async def test_a_bad_token_closes_the_socket_with_4403(live: str, token: str) -> None:
    with pytest.raises(Closed) as closed:
        async with ws_client(live, token=token):
            pass
    assert closed.value.code == 4403


async def test_the_socket_closes_with_4403_when_the_token_expires(live: str) -> None:
    token = mint_token(
        secret=DEVELOPMENT_JWT_SECRET, sub=uuid.uuid4(), role=Role.ADMIN, ttl=timedelta(seconds=2)
    )
    async with ws_client(live, token=token) as client:
        operation = await client.subscribe(EVENTS, {})
        with pytest.raises(Closed) as closed:
            await client.next(operation, within=6)
    assert closed.value.code == 4403


async def _first_error(
    live: str, token: str | None, variables: dict[str, object]
) -> dict[str, object]:
    async with ws_client(live, token=token) as client:
        operation = await client.subscribe(EVENTS, variables)
        message = await client.next(operation)
        assert message["type"] in ("error", "next"), message
        payload = message["payload"]
        errors = payload if isinstance(payload, list) else payload["errors"]
        (error,) = errors
        assert isinstance(error, dict)
        await asyncio.sleep(0)
        return error


async def test_without_a_token_a_subscription_is_unauthenticated(live: str) -> None:
    error = await _first_error(live, None, {})
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_a_booking_the_subscriber_may_not_see_is_not_found(
    live: str, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party)
    for stranger in (party.other_stylist, party.other_customer):
        error = await _first_error(
            live, factory.token(stranger), {"f": {"bookingId": str(booking.id)}}
        )
        assert error["extensions"] == {"code": "NOT_FOUND"}
        assert error["message"] == "booking not found"
    missing = await _first_error(
        live, factory.token(party.admin), {"f": {"bookingId": str(uuid.uuid4())}}
    )
    assert missing["message"] == "booking not found"


async def test_a_malformed_cursor_is_a_validation_error(live: str, factory: Factory) -> None:
    party = await factory.party()
    error = await _first_error(live, factory.token(party.admin), {"a": "not-a-cursor"})
    assert error["extensions"] == {"code": "VALIDATION_FAILED"}
