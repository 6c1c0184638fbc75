"""The webhook's signature: `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. Anything
but a valid signature made at most 5 minutes from the server's clock is 401 and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from tests.e2e.payments.payment_calls import (
    FAILED,
    SUCCEEDED,
    Processor,
    Scene,
    encode,
    event_recorded,
    payment,
    scene,
)
from tests.support.api import Api
from tests.support.factory import Factory

REFUSED = {"error": "invalid signature"}
TOLERANCE = 5 * 60
Event = dict[str, Any]
# An attack turns the processor and a well-formed event into the bytes and header sent.
Attack = Callable[[Processor, Event], tuple[bytes, str | bytes | None]]


def _digest(header: str) -> str:
    return header.split("v1=", 1)[1]


def _signed_at(offset: int) -> Attack:
    def attack(processor: Processor, event: Event) -> tuple[bytes, str | bytes | None]:
        body = encode(event)
        return body, processor.signature(body, timestamp=processor.now() + offset)

    return attack


def _header(make: Callable[[Processor, bytes], str | bytes]) -> Attack:
    def attack(processor: Processor, event: Event) -> tuple[bytes, str | bytes | None]:
        body = encode(event)
        return body, make(processor, body)

    return attack


def _altered_after_signing(change: Callable[[Event], bytes]) -> Attack:
    def attack(processor: Processor, event: Event) -> tuple[bytes, str | bytes | None]:
        return change(event), processor.signature(encode(event))

    return attack


ATTACKS: dict[str, Attack] = {
    "no header": lambda processor, event: (encode(event), None),
    "empty header": _header(lambda p, body: ""),
    "garbage": _header(lambda p, body: "sha256=deadbeef"),
    "empty parts": _header(lambda p, body: "t=,v1="),
    "wrong secret": _header(lambda p, body: p.signature(body, secret=p.secret + "x")),
    "empty secret": _header(lambda p, body: p.signature(body, secret="")),
    "stale by 5 min 1 s": _signed_at(-(TOLERANCE + 1)),
    "from the future by 5 min 1 s": _signed_at(TOLERANCE + 1),
    "a day old": _signed_at(-86_400),
    "t missing": _header(lambda p, body: "v1=" + _digest(p.signature(body))),
    "v1 missing": _header(lambda p, body: f"t={p.now()}"),
    "v1 empty": _header(lambda p, body: f"t={p.now()},v1="),
    "t of another time than signed": _header(
        lambda p, body: f"t={p.now() - 1},v1=" + _digest(p.signature(body))
    ),
    "negative t": _header(lambda p, body: f"t=-{p.now()},v1=" + _digest(p.signature(body))),
    "digest truncated": _header(lambda p, body: p.signature(body)[:-1]),
    "other scheme v0": _header(lambda p, body: p.signature(body).replace("v1=", "v0=")),
    "signature of another body": _header(
        lambda p, body: p.signature(body.replace(b'"payment.', b'"payment.x'))
    ),
    "type altered after signing": _altered_after_signing(
        lambda event: encode(event | {"type": FAILED})
    ),
    "amount altered after signing": _altered_after_signing(
        lambda event: encode(event | {"amount_cents": event["amount_cents"] - 1})
    ),
    "whitespace appended after signing": _altered_after_signing(lambda event: encode(event) + b" "),
    # headers that must not crash the check (the server answered 500 for these)
    "t out of the platform's range": _header(
        lambda p, body: "t=99999999999999999999,v1=" + _digest(p.signature(body))
    ),
    "t of non-ASCII digits": _header(
        lambda p, body: ("t=\u00b2,v1=" + _digest(p.signature(body))).encode("latin-1")
    ),
    "v1 of non-ASCII characters": _header(
        lambda p, body: f"t={p.now()},v1=\u00e9\u00e9".encode("latin-1")
    ),
}


@pytest.fixture
async def pending(api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock) -> Scene:
    return await scene(api, factory, engine, clock)


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
async def test_an_unsigned_or_badly_signed_event_is_401_and_changes_nothing(
    pending: Scene, attack: Attack
) -> None:
    event = payment(pending.booking, SUCCEEDED)
    body, header = attack(pending.processor, event)
    before = await pending.state()

    response = await pending.processor.post(body, signature=header)

    assert (response.status_code, response.json()) == (401, REFUSED)
    assert await pending.state() == before
    assert before["booking"]["status"] == "PENDING"
    assert not await event_recorded(pending.engine, event["id"])
    # the genuine delivery still applies: the refusal left no trace that blocks it
    genuine = await pending.processor.deliver(event)
    assert (genuine.status_code, genuine.json()["status"]) == (200, "CONFIRMED")


@pytest.mark.parametrize(
    "offset",
    [-TOLERANCE, -TOLERANCE + 1, -1, 0, 1, TOLERANCE],
    ids=["exactly 5 min old", "4 min 59 s old", "1 s old", "now", "1 s ahead", "5 min ahead"],
)
async def test_a_signature_within_5_minutes_of_the_server_clock_is_accepted(
    pending: Scene, offset: int
) -> None:
    """The tolerance is inclusive: a timestamp exactly 5 minutes away still passes."""
    body = encode(payment(pending.booking, SUCCEEDED))
    header = pending.processor.signature(body, timestamp=pending.processor.now() + offset)

    response = await pending.processor.post(body, signature=header)

    assert (response.status_code, response.json()["status"]) == (200, "CONFIRMED")


@pytest.mark.parametrize(
    "header",
    [
        lambda p, body: f"v1={'0' * 64}," + p.signature(body),
        lambda p, body: p.signature(body) + f",v1={'0' * 64}",
        lambda p, body: p.signature(body).replace(",", " , "),
    ],
    ids=["old secret's digest first", "old secret's digest last", "spaces around parts"],
)
async def test_one_valid_digest_among_several_is_accepted_during_secret_rotation(
    pending: Scene, header: Callable[[Processor, bytes], str]
) -> None:
    body = encode(payment(pending.booking, SUCCEEDED))

    response = await pending.processor.post(body, signature=header(pending.processor, body))

    assert (response.status_code, response.json()["status"]) == (200, "CONFIRMED")
