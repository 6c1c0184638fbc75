"""Payment events that race: each other, their own redeliveries, and the payment-timeout sweeper.
Whatever the order, a booking changes at most once, and every answer tells the truth about it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.clock import SettableClock
from salonbook.domain.system_actors import PAYMENTS, SCHEDULER
from salonbook.use_cases.expire_pending import expire_pending
from tests.e2e.payments.payment_calls import FAILED, SUCCEEDED, Scene, encode, payment, scene
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.together import together

PAYMENT_TIMEOUT = timedelta(minutes=15)
RETRYABLE = 409


def assert_retryable(response: httpx.Response) -> None:
    assert response.status_code == RETRYABLE, response.text
    assert response.json()["retryable"] is True


@pytest.fixture
async def pending(api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock) -> Scene:
    return await scene(api, factory, engine, clock)


async def test_a_payment_after_the_sweeper_cancelled_the_booking_is_rejected(
    app: Starlette, pending: Scene
) -> None:
    # the booking was created an hour ago: past the payment timeout
    await expire_pending(app.state.runtime.deps, payment_timeout=PAYMENT_TIMEOUT)
    cancelled = await pending.state()
    assert cancelled["booking"]["status"] == "CANCELLED"
    event = payment(pending.booking, SUCCEEDED)

    response = await pending.processor.deliver(event)

    assert (response.status_code, response.json()) == (
        200,
        {
            "result": "rejected",
            "code": "INVALID_TRANSITION",
            "status": "CANCELLED",
            "booking_id": str(pending.booking.id),
        },
    )
    after = await pending.state()
    assert after["booking"] == cancelled["booking"]
    [change] = after["booking"]["statusHistory"]
    assert (change["actorId"], change["reason"]) == (str(SCHEDULER.person_id), "payment_timeout")
    assert [row["id"] for row in after["payments"]] == [event["id"]]


@pytest.mark.parametrize("stagger", [0, 0.001, 0.003], ids=["at once", "1ms", "3ms"])
async def test_ten_concurrent_deliveries_of_one_event_change_the_booking_once(
    pending: Scene, stagger: float
) -> None:
    body = encode(payment(pending.booking, SUCCEEDED))
    signature = pending.processor.signature(body)

    responses = await together(
        [pending.processor.post(body, signature=signature) for _ in range(10)], stagger=stagger
    )

    first = {"result": "applied", "status": "CONFIRMED", "booking_id": str(pending.booking.id)}
    answered = [r.json() for r in responses if r.status_code == 200]
    for response in responses:
        if response.status_code != 200:
            assert_retryable(response)
    assert [a for a in answered if "replayed" not in a] == [first], answered
    assert all(a == first | {"replayed": True} for a in answered if "replayed" in a), answered
    after = await pending.state()
    assert (after["booking"]["status"], after["booking"]["version"]) == ("CONFIRMED", 2)
    assert len(after["booking"]["statusHistory"]) == 1
    assert len(after["payments"]) == 1


@pytest.mark.parametrize("stagger", [0, 0.001, 0.003], ids=["at once", "1ms", "3ms"])
async def test_a_success_and_a_failure_racing_change_the_booking_once(
    pending: Scene, stagger: float
) -> None:
    events = [payment(pending.booking, SUCCEEDED), payment(pending.booking, FAILED)]

    responses = await together(
        [pending.processor.deliver(event) for event in events], stagger=stagger
    )

    after = await pending.state()
    [change] = after["booking"]["statusHistory"]
    assert change["actorId"] == str(PAYMENTS.person_id)
    status = after["booking"]["status"]
    applied = {"result": "applied", "status": status, "booking_id": str(pending.booking.id)}
    # a failure after the confirmation: the system never cancels a CONFIRMED booking (FORBIDDEN);
    # a success after the cancellation: CANCELLED is terminal (INVALID_TRANSITION)
    winner, code = {"CONFIRMED": (0, "FORBIDDEN"), "CANCELLED": (1, "INVALID_TRANSITION")}[status]
    rejected = {"result": "rejected", "code": code, "status": status}
    rejected["booking_id"] = str(pending.booking.id)
    assert responses[winner].json() == applied
    loser = responses[1 - winner]
    if loser.status_code == 200:
        assert loser.json() == rejected
    else:
        assert_retryable(loser)
    recorded = {row["id"]: row["outcome"] for row in after["payments"]}
    assert recorded == {
        event["id"]: response.json()
        for event, response in zip(events, responses, strict=True)
        if response.status_code == 200
    }


@pytest.mark.parametrize("stagger", [0, 0.002], ids=["at once", "2ms"])
async def test_a_payment_racing_the_sweeper_changes_the_booking_once(
    app: Starlette, pending: Scene, stagger: float
) -> None:
    event = payment(pending.booking, SUCCEEDED)

    async def sweep() -> Any:
        return await expire_pending(app.state.runtime.deps, payment_timeout=PAYMENT_TIMEOUT)

    async def deliver() -> Any:
        return await pending.processor.deliver(event)

    _, response = await together([sweep(), deliver()], stagger=stagger)

    after = await pending.state()
    [change] = after["booking"]["statusHistory"]
    booking_id = str(pending.booking.id)
    if after["booking"]["status"] == "CONFIRMED":
        assert change["actorId"] == str(PAYMENTS.person_id)
        expected = {"result": "applied", "status": "CONFIRMED", "booking_id": booking_id}
        assert (response.status_code, response.json()) == (200, expected)
        return
    assert (after["booking"]["status"], change["actorId"]) == (
        "CANCELLED",
        str(SCHEDULER.person_id),
    )
    if response.status_code == 200:
        expected = {"result": "rejected", "code": "INVALID_TRANSITION", "status": "CANCELLED"}
        assert response.json() == expected | {"booking_id": booking_id}
    else:
        assert_retryable(response)
        assert after["payments"] == []
