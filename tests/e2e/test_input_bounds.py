"""Every bounded input, through the API: one past its bound is VALIDATION_FAILED naming the
field and the limit, and nothing in the database changes (no row, no audit, no outbox event);
the bound itself is accepted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.db.services import Service
from salonbook.domain import bounds
from salonbook.domain.clock import SettableClock
from salonbook.domain.schedules import BUFFER_MINUTES_MAX
from salonbook.domain.statuses import BookingStatus
from tests.e2e.bounded_mutations import (
    CLOSURE,
    CREATE,
    DELETE,
    ERASE,
    NOTE,
    PERSON,
    RESCHEDULE,
    SALON_SCHEDULE,
    SERVICE,
    TIME_OFF,
    TRANSITION,
    WORKING_HOURS,
)
from tests.e2e.payments.payment_calls import SUCCEEDED, payment, scene
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.footprint import footprint


@dataclass(frozen=True)
class Scene:
    party: Party
    booking: Booking
    service: Service

    def booking_input(self, **given: Any) -> dict[str, Any]:
        return {"bookingId": str(self.booking.id), **given}


Call = tuple[str, str, Callable[[Scene, Any], dict[str, Any]]]
"""(mutation, who calls it, the input for a value of the bounded field)."""


def _email(length: int) -> str:
    domain = "@salon.example"
    return "a" * (length - len(domain)) + domain


def _new_start(scene: Scene) -> str:
    return (scene.booking.facts.start + timedelta(hours=4)).isoformat()


CALLS: dict[str, Call] = {
    "transition reason": (
        TRANSITION,
        "admin",
        lambda s, v: s.booking_input(action="CANCEL", reason=v),
    ),
    "transition key": (
        TRANSITION,
        "admin",
        lambda s, v: s.booking_input(action="CANCEL", reason="moved away", idempotencyKey=v),
    ),
    "reschedule reason": (
        RESCHEDULE,
        "admin",
        lambda s, v: s.booking_input(startTime=_new_start(s), reason=v),
    ),
    "reschedule key": (
        RESCHEDULE,
        "admin",
        lambda s, v: s.booking_input(startTime=_new_start(s), idempotencyKey=v),
    ),
    "delete reason": (DELETE, "admin", lambda s, v: s.booking_input(reason=v)),
    "note body": (NOTE, "stylist", lambda s, v: s.booking_input(body=v)),
    "erasure reason": (
        ERASE,
        "admin",
        lambda s, v: {"personId": str(s.party.other_customer.id), "reason": v},
    ),
    "create key": (
        CREATE,
        "customer",
        lambda s, v: {
            "stylistId": str(s.party.other_stylist.id),
            "serviceId": str(s.service.id),
            "startTime": (s.booking.facts.start + timedelta(days=1)).isoformat(),
            "idempotencyKey": v,
        },
    ),
    "service": (
        SERVICE,
        "admin",
        lambda s, v: {
            "name": "Trim",
            "durationMinutes": 30,
            "priceCents": 2000,
            "currency": "EUR",
            **v,
        },
    ),
    "person": (PERSON, "admin", lambda s, v: {"role": "CUSTOMER", "displayName": "Ada", **v}),
    # the salon's settings as every other test expects them, set again
    "salon schedule reason": (
        SALON_SCHEDULE,
        "admin",
        lambda s, v: {"timeZone": "UTC", "slotMinutes": 15, "openingHours": None, "reason": v},
    ),
    "working hours reason": (
        WORKING_HOURS,
        "admin",
        lambda s, v: {"stylistId": str(s.party.stylist.id), "workingHours": None, "reason": v},
    ),
    "time off reason": (
        TIME_OFF,
        "admin",
        lambda s, v: {"stylistId": str(s.party.stylist.id), **_far_away(s), "reason": v},
    ),
    "closure reason": (CLOSURE, "admin", lambda s, v: {**_far_away(s), "reason": v}),
}


def _far_away(scene: Scene) -> dict[str, str]:
    """An hour decades ahead, its own for each scene (closures are the whole salon's)."""
    start = datetime(2090, 1, 1, tzinfo=UTC) + timedelta(hours=scene.booking.id.int % 10**6)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}


# (call, field, the bound itself, one past it, what the message says)
BOUNDED: list[tuple[str, str, Any, Any, str]] = [
    ("transition reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("transition key", "idempotencyKey", "k" * 128, "k" * 129, "1 to 128 characters"),
    ("reschedule reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("reschedule key", "idempotencyKey", "k" * 128, "k" * 129, "1 to 128 characters"),
    ("delete reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("note body", "body", "n" * 2000, "n" * 2001, "1 to 2000 characters"),
    ("erasure reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("create key", "idempotencyKey", "k" * 128, "k" * 129, "1 to 128 characters"),
    ("service", "name", {"name": "s" * 200}, {"name": "s" * 201}, "1 to 200 characters"),
    (
        "service",
        "durationMinutes",
        {"durationMinutes": 720},
        {"durationMinutes": 721},
        "5 to 720",
    ),
    (
        "service",
        "priceCents",
        {"priceCents": bounds.PRICE_CENTS_MAX},
        {"priceCents": bounds.PRICE_CENTS_MAX + 1},
        "0 to 100000000",
    ),
    ("service", "currency", {"currency": "JPY"}, {"currency": "EUR\n"}, "3 capital letters"),
    (
        "person",
        "displayName",
        {"displayName": "d" * 200},
        {"displayName": "d" * 201},
        "1 to 200 characters",
    ),
    (
        "person",
        "email",
        {"email": _email(254)},
        {"email": _email(255)},
        "at most 254 characters",
    ),
    ("person", "phone", {"phone": "1" * 32}, {"phone": "1" * 33}, "5 to 32 characters"),
    (
        "service",
        "bufferMinutes",
        {"bufferMinutes": BUFFER_MINUTES_MAX},
        {"bufferMinutes": BUFFER_MINUTES_MAX + 1},
        "0 to 240",
    ),
    ("service", "bufferMinutes", {"bufferMinutes": 0}, {"bufferMinutes": -1}, "0 to 240"),
    ("salon schedule reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("working hours reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("time off reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
    ("closure reason", "reason", "r" * 500, "r" * 501, "at most 500 characters"),
]


async def _scene(factory: Factory) -> Scene:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    return Scene(party=party, booking=booking, service=await factory.service())


async def _call(api: Api, factory: Factory, scene: Scene, call: str, value: Any) -> Any:
    mutation, who, build = CALLS[call]
    token = factory.token(getattr(scene.party, who))
    answer = await api.gql(mutation, {"input": build(scene, value)}, token=token)
    assert "errors" not in answer, answer
    (result,) = answer["data"].values()
    return result


@pytest.mark.parametrize(
    ("call", "field", "at_bound", "past_bound", "says"),
    BOUNDED,
    ids=[f"{case[0]}-{case[1]}" for case in BOUNDED],
)
async def test_one_past_the_bound_is_refused_and_changes_nothing_the_bound_is_accepted(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    call: str,
    field: str,
    at_bound: Any,
    past_bound: Any,
    says: str,
) -> None:
    scene = await _scene(factory)
    before = await footprint(engine)

    refused = await _call(api, factory, scene, call, past_bound)

    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ValidationFailedError",
        "VALIDATION_FAILED",
        field,
    )
    assert refused["message"].startswith(field) and says in refused["message"]
    assert await footprint(engine) == before

    accepted = await _call(api, factory, scene, call, at_bound)
    assert accepted["__typename"].endswith("Success"), accepted


async def test_a_reason_is_bounded_after_trimming(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    scene = await _scene(factory)
    padded = "  \n" + "r" * 500 + "\t "

    result = await _call(api, factory, scene, "transition reason", padded)

    assert result["__typename"] == "TransitionBookingSuccess"
    query = text("SELECT reason FROM booking_status_history WHERE booking_id = :id ORDER BY id")
    async with engine.connect() as connection:
        reasons = (await connection.execute(query, {"id": scene.booking.id})).scalars().all()
    assert reasons[-1] == "r" * 500


async def test_a_payment_event_id_past_its_bound_is_400_and_changes_nothing(
    api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock
) -> None:
    given = await scene(api, factory, engine, clock)
    before = await footprint(engine)

    refused = await given.processor.deliver(
        payment(given.booking, SUCCEEDED, id="e" * (bounds.PAYMENT_EVENT_ID_MAX + 1))
    )

    assert (refused.status_code, refused.json()) == (400, {"error": "malformed payment event"})
    assert await footprint(engine) == before
    accepted = await given.processor.deliver(
        payment(given.booking, SUCCEEDED, id="e" * bounds.PAYMENT_EVENT_ID_MAX)
    )
    assert (accepted.status_code, accepted.json()["status"]) == (200, "CONFIRMED")
