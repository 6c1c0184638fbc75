"""POST /webhooks/payments with good signatures: payment.succeeded confirms and payment.failed
cancels as system, audited with the caller's IP and user agent; replays answer the first outcome;
a wrong amount or an unknown booking is refused and changes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from salonbook.domain.system_actors import PAYMENTS
from tests.e2e.observability.scrape import labels, scrape
from tests.e2e.payments.payment_calls import (
    FAILED,
    SUCCEEDED,
    USER_AGENT,
    Scene,
    encode,
    event_recorded,
    payment,
    scene,
)
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory

UNKNOWN_BOOKING = {"error": "unknown booking"}
WRONG_AMOUNT = {"error": "amount does not match the booking's price"}
IDEMPOTENCY_CONFLICT = {
    "error": "this event id was delivered before with another type, booking or amount",
    "code": "IDEMPOTENCY_CONFLICT",
}


@pytest.fixture
async def pending(api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock) -> Scene:
    return await scene(api, factory, engine, clock)


def applied(given: Scene, status: str) -> dict[str, Any]:
    return {"result": "applied", "status": status, "booking_id": str(given.booking.id)}


def system_change(given: Scene, to: str, action: str, reason: str | None) -> dict[str, Any]:
    """The audit row of a change made by the payment webhook, now."""
    return {
        "fromStatus": "PENDING",
        "toStatus": to,
        "action": action,
        "actorId": str(PAYMENTS.person_id),
        "actorRole": "SYSTEM",
        "reason": reason,
        "ipAddress": CLIENT_IP,
        "userAgent": USER_AGENT,
        "createdAt": given.processor.clock.now().isoformat(),
    }


async def test_payment_succeeded_confirms_as_system_audited_with_ip_and_user_agent(
    pending: Scene,
) -> None:
    event = payment(pending.booking, SUCCEEDED)

    response = await pending.processor.deliver(event)

    assert (response.status_code, response.json()) == (200, applied(pending, "CONFIRMED"))
    after = await pending.state()
    assert after["booking"] == {
        "status": "CONFIRMED",
        "version": 2,
        "cancellation": None,
        "statusHistory": [system_change(pending, "CONFIRMED", "CONFIRM", None)],
    }
    [row] = after["payments"]
    assert row == {
        "id": event["id"],
        "type": SUCCEEDED,
        "amount_cents": pending.booking.facts.price_cents,
        "outcome": applied(pending, "CONFIRMED"),
    }


async def test_payment_failed_cancels_as_system_with_payment_failed_and_nothing_charged(
    pending: Scene,
) -> None:
    response = await pending.processor.deliver(payment(pending.booking, FAILED))

    assert (response.status_code, response.json()) == (200, applied(pending, "CANCELLED"))
    booking = (await pending.state())["booking"]
    assert booking == {
        "status": "CANCELLED",
        "version": 2,
        "cancellation": {
            "reason": "payment_failed",
            "actorRole": "SYSTEM",
            "refundPolicy": "NOT_CHARGED",
            "refundCents": 0,
        },
        "statusHistory": [system_change(pending, "CANCELLED", "CANCEL", "payment_failed")],
    }


async def test_a_forged_forwarded_for_header_is_not_the_audited_address(pending: Scene) -> None:
    body = encode(payment(pending.booking, SUCCEEDED))

    response = await pending.processor.post(
        body,
        signature=pending.processor.signature(body),
        extra={"X-Forwarded-For": "198.51.100.23"},
    )

    assert response.status_code == 200, response.text
    [change] = (await pending.state())["booking"]["statusHistory"]
    assert change["ipAddress"] == CLIENT_IP


async def test_a_replayed_event_answers_the_first_outcome_and_changes_nothing(
    pending: Scene,
) -> None:
    event = payment(pending.booking, SUCCEEDED)
    first = await pending.processor.deliver(event)
    after_first = await pending.state()

    for _ in range(2):
        pending.processor.clock.advance(timedelta(minutes=1))
        replay = await pending.processor.deliver(event)
        assert (replay.status_code, replay.json()) == (200, first.json() | {"replayed": True})

    assert await pending.state() == after_first
    assert len(after_first["booking"]["statusHistory"]) == 1


async def test_a_replay_with_another_body_under_the_same_id_is_a_conflict_and_changes_nothing(
    api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock, pending: Scene
) -> None:
    other = await scene(api, factory, engine, clock)
    event = payment(pending.booking, SUCCEEDED)
    first = await pending.processor.deliver(event)
    after_first = await pending.state()
    other_before = await other.state()

    altered = [
        event | {"type": FAILED},
        event | {"amount_cents": event["amount_cents"] + 1},
        payment(other.booking, FAILED, id=event["id"]),
        payment(other.booking, SUCCEEDED, id=event["id"]),
    ]
    before = await scrape(api.http)
    for replay_event in altered:
        replay = await pending.processor.deliver(replay_event)
        assert (replay.status_code, replay.json()) == (409, IDEMPOTENCY_CONFLICT)

    counted = (await scrape(api.http)).moved(before, "salonbook_requests_total")
    assert counted == {labels(operation_type="webhook", outcome="IDEMPOTENCY_CONFLICT"): 4}
    assert await pending.state() == after_first
    assert await other.state() == other_before
    # the conflicts recorded nothing: the genuine redelivery still answers the first outcome
    replay = await pending.processor.deliver(event)
    assert (replay.status_code, replay.json()) == (200, first.json() | {"replayed": True})


async def test_a_redelivery_with_other_key_order_and_spacing_is_the_same_event(
    pending: Scene,
) -> None:
    event = payment(pending.booking, SUCCEEDED)
    first = await pending.processor.deliver(event)
    body = (
        f'{{ "amount_cents": {event["amount_cents"]}, "booking_id": "{event["booking_id"]}",'
        f' "type": "{SUCCEEDED}", "id": "{event["id"]}" }}'
    ).encode()

    replay = await pending.processor.post(body, signature=pending.processor.signature(body))

    assert (replay.status_code, replay.json()) == (200, first.json() | {"replayed": True})


@pytest.mark.parametrize("difference", [-1, 1, -4500, 100_000])
async def test_an_amount_other_than_the_price_is_refused_and_the_right_one_then_applies(
    pending: Scene, difference: int
) -> None:
    event = payment(pending.booking, SUCCEEDED)
    wrong = event | {"amount_cents": event["amount_cents"] + difference}
    before = await pending.state()

    refused = await pending.processor.deliver(wrong)

    assert (refused.status_code, refused.json()) == (422, WRONG_AMOUNT)
    assert await pending.state() == before
    assert not await event_recorded(pending.engine, event["id"])
    # a refused amount is not an outcome: the same event with the right amount applies
    right = await pending.processor.deliver(event)
    assert (right.status_code, right.json()) == (200, applied(pending, "CONFIRMED"))


async def test_an_event_for_an_unknown_booking_is_refused(pending: Scene) -> None:
    event = payment(pending.booking, SUCCEEDED, booking_id=str(uuid.uuid4()))

    response = await pending.processor.deliver(event)

    assert (response.status_code, response.json()) == (422, UNKNOWN_BOOKING)
    assert not await event_recorded(pending.engine, event["id"])


async def test_an_event_for_a_deleted_booking_is_refused_and_changes_nothing(
    pending: Scene,
) -> None:
    await pending.delete()
    event = payment(pending.booking, SUCCEEDED)
    before = await pending.stored()

    response = await pending.processor.deliver(event)

    assert (response.status_code, response.json()) == (422, UNKNOWN_BOOKING)
    assert await pending.stored() == before
    assert before == {
        "booking": {"status": "PENDING", "version": 2, "deleted": True, "changes": 0},
        "payments": [],
    }


S = BookingStatus
# (status when the event arrives, event type) -> the refusal (the order of docs/rules.md#errors: the
# system is in the CANCEL row only for PENDING, so cancelling a CONFIRMED booking is FORBIDDEN)
NOT_PENDING = [
    (S.CONFIRMED, SUCCEEDED, "INVALID_TRANSITION"),
    (S.CONFIRMED, FAILED, "FORBIDDEN"),
    (S.IN_PROGRESS, SUCCEEDED, "INVALID_TRANSITION"),
    (S.IN_PROGRESS, FAILED, "FORBIDDEN"),
    (S.COMPLETED, SUCCEEDED, "INVALID_TRANSITION"),
    (S.COMPLETED, FAILED, "INVALID_TRANSITION"),
    (S.CANCELLED, SUCCEEDED, "INVALID_TRANSITION"),
    (S.CANCELLED, FAILED, "INVALID_TRANSITION"),
    (S.NO_SHOW, SUCCEEDED, "INVALID_TRANSITION"),
    (S.NO_SHOW, FAILED, "INVALID_TRANSITION"),
]


@pytest.mark.parametrize(("status", "kind", "code"), NOT_PENDING)
async def test_an_event_for_a_booking_no_longer_pending_is_recorded_as_rejected(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    clock: SettableClock,
    status: BookingStatus,
    kind: str,
    code: str,
) -> None:
    given = await scene(api, factory, engine, clock, status=status, starts_in=timedelta(hours=2))
    before = await given.state()
    event = payment(given.booking, kind)

    response = await given.processor.deliver(event)

    rejected = {"result": "rejected", "code": code, "status": status.value}
    rejected["booking_id"] = str(given.booking.id)
    assert (response.status_code, response.json()) == (200, rejected)
    after = await given.state()
    assert after["booking"] == before["booking"]
    assert after["payments"] == [
        {
            "id": event["id"],
            "type": kind,
            "amount_cents": event["amount_cents"],
            "outcome": rejected,
        }
    ]
    replay = await given.processor.deliver(event)
    assert (replay.status_code, replay.json()) == (200, rejected | {"replayed": True})
