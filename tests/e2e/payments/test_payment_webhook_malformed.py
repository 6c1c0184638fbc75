"""A correctly signed body that is not a payment event (README.md#the-api-at-a-glance: `{id, type:
payment.succeeded | payment.failed, booking_id, amount_cents}`) is 400 and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from tests.e2e.payments.payment_calls import (
    SUCCEEDED,
    Scene,
    encode,
    event_recorded,
    payment,
    scene,
)
from tests.support.api import Api
from tests.support.factory import Factory

MALFORMED = {"error": "malformed payment event"}
Event = dict[str, Any]


def _without(field: str) -> Callable[[Event], bytes]:
    return lambda event: encode({k: v for k, v in event.items() if k != field})


def _with(field: str, value: Any) -> Callable[[Event], bytes]:
    return lambda event: encode(event | {field: value})


BODIES: dict[str, Callable[[Event], bytes]] = {
    "empty body": lambda event: b"",
    "not JSON": lambda event: b"{id: evt_1, type: payment.succeeded}",
    "truncated JSON": lambda event: encode(event)[:-1],
    "not UTF-8": lambda event: b'{"id": "\xff\xfe"}',
    "a JSON array": lambda event: orjson.dumps([event]),
    "a JSON string": lambda event: orjson.dumps("payment.succeeded"),
    "JSON null": lambda event: b"null",
    "id missing": _without("id"),
    "type missing": _without("type"),
    "booking_id missing": _without("booking_id"),
    "amount_cents missing": _without("amount_cents"),
    "id empty": _with("id", ""),
    "id null": _with("id", None),
    "id an object": _with("id", {"nested": "evt"}),
    "id with a NUL character": _with("id", "evt_\u0000_1"),
    "unknown type": _with("type", "payment.refunded"),
    "type in capitals": _with("type", "PAYMENT.SUCCEEDED"),
    "type null": _with("type", None),
    "booking_id not a UUID": _with("booking_id", "booking-42"),
    "booking_id null": _with("booking_id", None),
    "amount negative": lambda event: encode(event | {"amount_cents": -event["amount_cents"]}),
    "amount minus one": _with("amount_cents", -1),
    "amount a float": lambda event: encode(event | {"amount_cents": event["amount_cents"] + 0.0}),
    "amount a fraction": lambda event: encode(
        event | {"amount_cents": event["amount_cents"] + 0.5}
    ),
    "amount a string": lambda event: encode(event | {"amount_cents": str(event["amount_cents"])}),
    "amount a boolean": _with("amount_cents", True),
    "amount null": _with("amount_cents", None),
}


@pytest.fixture
async def pending(api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock) -> Scene:
    return await scene(api, factory, engine, clock)


@pytest.mark.parametrize("make", BODIES.values(), ids=BODIES.keys())
async def test_a_signed_body_that_is_not_a_payment_event_is_400_and_changes_nothing(
    pending: Scene, make: Callable[[Event], bytes]
) -> None:
    event = payment(pending.booking, SUCCEEDED)
    body = make(event)
    before = await pending.state()

    response = await pending.processor.post(body, signature=pending.processor.signature(body))

    assert (response.status_code, response.json()) == (400, MALFORMED)
    assert await pending.state() == before
    assert before["booking"]["status"] == "PENDING"
    assert not await event_recorded(pending.engine, event["id"])


async def test_zero_is_an_amount_a_free_service_is_paid_with(
    api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock
) -> None:
    free = await factory.service(price_cents=0)
    given = await scene(api, factory, engine, clock, service=free)

    response = await given.processor.deliver(payment(given.booking, SUCCEEDED))

    assert (response.status_code, response.json()["status"]) == (200, "CONFIRMED")
