"""createBooking and rescheduleBooking refuse a time outside the stylist's availability with
OUTSIDE_WORKING_HOURS and its reason, writing nothing; an admin overrides with a reason, which
is kept (the booking's outsideHoursReason, the reschedule's reason); the override is part of
what an idempotency key remembers. The clock stands at Monday 2031-03-10 12:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.services import Service
from tests.e2e.availability_calls import create, reschedule
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.schedules import (
    add_closure,
    add_time_off,
    salon_put_back,
    set_buffer,
    set_hours,
    set_salon,
)

TUESDAY = datetime(2031, 3, 11, tzinfo=UTC)
READ_ONE = "query($id: ID!) { booking(id: $id) { outsideHoursReason } }"
READ_PAGE = """query($stylist: ID!) { bookings(filter: {stylistId: $stylist}) {
  edges { node { outsideHoursReason } } } }"""


def at(hours: float) -> str:
    return (TUESDAY + timedelta(hours=hours)).isoformat()


async def arrange(factory: Factory, engine: AsyncEngine) -> tuple[Party, Service]:
    """Tuesday 09:00-17:00 with time off 13:00-14:00; a 60-minute service with 15 minutes of
    buffer."""
    party, service = await factory.party(), await factory.service(minutes=60)
    await set_buffer(engine, service.id, 15)
    await set_hours(engine, party.stylist.id, {"TUESDAY": [["09:00", "17:00"]]})
    await add_time_off(
        engine, party.stylist.id, TUESDAY + timedelta(hours=13), TUESDAY + timedelta(hours=14),
        by=party.admin.id,
    )  # fmt: skip
    return party, service


async def bookings_of(engine: AsyncEngine, stylist_id: UUID) -> list[Any]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT start_time, busy_until, created_outside_hours_reason FROM bookings"
                " WHERE stylist_id = :s ORDER BY start_time"
            ),
            {"s": stylist_id},
        )
        return [tuple(row) for row in rows]


def booking_input(party: Party, service: Service, start: str, **more: Any) -> dict[str, Any]:
    return {
        "stylistId": str(party.stylist.id),
        "serviceId": str(service.id),
        "startTime": start,
        "customerId": str(party.customer.id),
        **more,
    }


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (7, "NOT_WORKING"),
        (16.5, "NOT_WORKING"),  # ends after 17:00
        (12.5, "TIME_OFF"),
        (13.75, "TIME_OFF"),
        (12, "BUFFER"),  # ends 13:00, its buffer runs into the time off
        (16, "BUFFER"),  # ends 17:00, its buffer after the shift
    ],
)
async def test_a_time_outside_availability_is_refused_with_its_reason_and_nothing_written(
    api: Api, factory: Factory, engine: AsyncEngine, start: float, reason: str
) -> None:
    party, service = await arrange(factory, engine)
    for who in (party.customer, party.admin):
        result = await create(api, factory, who, **booking_input(party, service, at(start)))
        assert result["__typename"] == "OutsideWorkingHoursError"
        assert (result["code"], result["reason"]) == ("OUTSIDE_WORKING_HOURS", reason)
    assert await bookings_of(engine, party.stylist.id) == []


@pytest.mark.parametrize("start", [9, 11.75, 14, 15.75])
async def test_a_time_inside_availability_is_booked_with_its_buffer(
    api: Api, factory: Factory, engine: AsyncEngine, start: float
) -> None:
    party, service = await arrange(factory, engine)
    result = await create(api, factory, party.customer, **booking_input(party, service, at(start)))
    assert result["__typename"] == "CreateBookingSuccess"
    begin = TUESDAY + timedelta(hours=start)
    assert await bookings_of(engine, party.stylist.id) == [
        (begin, begin + timedelta(minutes=75), None)
    ]


async def test_closures_and_opening_hours_answer_closed(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await arrange(factory, engine)
    async with salon_put_back(engine):
        await set_salon(engine, opening={"TUESDAY": [["10:00", "16:00"]]})
        await add_closure(
            engine, TUESDAY + timedelta(hours=11), TUESDAY + timedelta(hours=12),
            by=party.admin.id,
        )  # fmt: skip
        refused = [
            await create(api, factory, party.customer, **booking_input(party, service, at(h)))
            for h in (9, 10.5, 13.5, 15.5)
        ]
        allowed = await create(
            api, factory, party.customer, **booking_input(party, service, at(14))
        )
    assert [(r["code"], r["reason"]) for r in refused] == [
        ("OUTSIDE_WORKING_HOURS", "CLOSED"),  # before opening
        ("OUTSIDE_WORKING_HOURS", "CLOSED"),  # the closure, though the stylist works
        ("OUTSIDE_WORKING_HOURS", "TIME_OFF"),
        ("OUTSIDE_WORKING_HOURS", "CLOSED"),  # after closing
    ]
    assert allowed["__typename"] == "CreateBookingSuccess"


async def test_validation_comes_first_and_the_slot_last(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await arrange(factory, engine)
    # a booking arranged in the time off: a new one there is refused for the time off first
    held = await factory.booking(
        party, service=service, starts_in=TUESDAY + timedelta(hours=13) - factory.clock.now()
    )
    past = await create(api, factory, party.customer, **booking_input(party, service, at(-30)))
    in_time_off = await create(
        api, factory, party.customer, **booking_input(party, service, at(13))
    )
    overridden = await create(
        api, factory, party.admin,
        **booking_input(party, service, at(13), overrideReason="squeeze in"),
    )  # fmt: skip
    assert (past["__typename"], past["field"]) == ("ValidationFailedError", "startTime")
    assert (in_time_off["code"], in_time_off["reason"]) == ("OUTSIDE_WORKING_HOURS", "TIME_OFF")
    assert overridden["code"] == "SLOT_UNAVAILABLE"  # the override never skips the overlap
    assert [row[0] for row in await bookings_of(engine, party.stylist.id)] == [held.facts.start]


async def test_an_admin_overrides_with_a_reason_others_may_not(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await arrange(factory, engine)
    given = booking_input(party, service, at(7), overrideReason="  early client, agreed  ")
    refused = await create(api, factory, party.customer, **given)
    blank = await create(api, factory, party.admin, **{**given, "overrideReason": "  "})
    assert refused["code"] == "FORBIDDEN"
    assert (blank["code"], blank["field"]) == ("VALIDATION_FAILED", "overrideReason")
    assert await bookings_of(engine, party.stylist.id) == []

    booked = await create(api, factory, party.admin, **given)

    assert booked["__typename"] == "CreateBookingSuccess"
    seven = TUESDAY + timedelta(hours=7)
    assert await bookings_of(engine, party.stylist.id) == [
        (seven, seven + timedelta(minutes=75), "early client, agreed")
    ]
    # the resolvers' path (one booking) and the planned read's (a page) agree: admins only
    booking_id = booked["booking"]["id"]
    for who, expected in ((party.admin, "early client, agreed"), (party.customer, None)):
        one = await api.gql(READ_ONE, {"id": booking_id}, token=factory.token(who))
        stylist = {"stylist": str(party.stylist.id)}
        page = await api.gql(READ_PAGE, stylist, token=factory.token(who))
        assert one["data"]["booking"] == {"outsideHoursReason": expected}
        assert page["data"]["bookings"]["edges"] == [{"node": {"outsideHoursReason": expected}}]


async def test_the_override_reason_is_part_of_the_idempotent_request(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await arrange(factory, engine)
    given = booking_input(
        party, service, at(7), overrideReason="early client", idempotencyKey="early-1"
    )
    first = await create(api, factory, party.admin, **given)
    again = await create(api, factory, party.admin, **given)
    other_reason = await create(api, factory, party.admin, **{**given, "overrideReason": "VIP"})
    without = await create(
        api, factory, party.admin, **{k: v for k, v in given.items() if k != "overrideReason"}
    )
    assert again == first
    assert first["__typename"] == "CreateBookingSuccess"
    assert other_reason["code"] == "IDEMPOTENCY_CONFLICT"
    assert without["code"] == "IDEMPOTENCY_CONFLICT"
    assert len(await bookings_of(engine, party.stylist.id)) == 1


async def test_reschedule_is_refused_outside_and_overridden_with_the_reason_recorded(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await arrange(factory, engine)
    booking = await factory.booking(
        party, service=service, starts_in=TUESDAY + timedelta(hours=9) - factory.clock.now()
    )
    await set_buffer(engine, service.id, 0)  # the booking keeps the 15 minutes it was made with
    move = {"bookingId": str(booking.id)}

    buffer = await reschedule(api, factory, party.admin, **move, startTime=at(16))
    fits = await reschedule(api, factory, party.admin, **move, startTime=at(15.75))
    outside = await reschedule(api, factory, party.admin, **move, startTime=at(7), reason="x")
    both = await reschedule(
        api, factory, party.admin, **move, startTime=at(7), reason="x", overrideReason="y"
    )
    overridden = await reschedule(
        api, factory, party.admin, **move, startTime=at(7), overrideReason=" client asked "
    )

    assert (buffer["code"], buffer["reason"]) == ("OUTSIDE_WORKING_HOURS", "BUFFER")
    assert fits["__typename"] == "RescheduleBookingSuccess"
    assert (outside["code"], outside["reason"]) == ("OUTSIDE_WORKING_HOURS", "NOT_WORKING")
    assert (both["code"], both["field"]) == ("VALIDATION_FAILED", "overrideReason")
    assert overridden["booking"]["startTime"] == at(7)
    assert overridden["reschedule"]["reason"] == "client asked"
    seven = TUESDAY + timedelta(hours=7)
    assert await bookings_of(engine, party.stylist.id) == [
        (seven, seven + timedelta(minutes=75), None)
    ]
