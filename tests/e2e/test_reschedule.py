"""rescheduleBooking: an admin moves a PENDING or CONFIRMED booking, its length kept, onto a
slot no live booking of the stylist holds; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salonbook.domain.statuses import BookingStatus
from tests.e2e.reschedule_calls import USER_AGENT, arrange, move, state
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory

S = BookingStatus
FORTY_FIVE = timedelta(minutes=45)


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED])
async def test_an_admin_moves_a_pending_or_confirmed_booking_its_length_kept_each_move_recorded(
    api: Api, factory: Factory, status: S
) -> None:
    party, booking = await arrange(factory, status)
    before = await state(api, factory, party, booking)
    first = factory.clock.now() + timedelta(days=3, minutes=30)
    second = first + timedelta(days=1)

    moved = await move(api, factory, party.admin, booking, first.isoformat(), reason=" asked ")
    again = await move(api, factory, party.admin, booking, second.isoformat())

    old = booking.facts
    assert moved == {
        "__typename": "RescheduleBookingSuccess",
        "booking": {
            "id": str(booking.id),
            "status": status.value,
            "startTime": first.isoformat(),
            "endTime": (first + FORTY_FIVE).isoformat(),
            "version": old.version + 1,
        },
        "reschedule": {
            "id": moved["reschedule"]["id"],
            "oldStartTime": old.start.isoformat(),
            "oldEndTime": old.end.isoformat(),
            "newStartTime": first.isoformat(),
            "newEndTime": (first + FORTY_FIVE).isoformat(),
            "actorRole": "ADMIN",
            "reason": "asked",
            "ipAddress": CLIENT_IP,
            "userAgent": USER_AGENT,
        },
    }
    assert again["booking"]["version"] == old.version + 2
    assert await state(api, factory, party, booking) == {
        **before,
        "startTime": second.isoformat(),
        "endTime": (second + FORTY_FIVE).isoformat(),
        "version": old.version + 2,
        "reschedules": [  # oldest first; the status history is untouched
            {"id": moved["reschedule"]["id"], "oldStartTime": old.start.isoformat(),
             "newStartTime": first.isoformat(), "newEndTime": (first + FORTY_FIVE).isoformat()},
            {"id": again["reschedule"]["id"], "oldStartTime": first.isoformat(),
             "newStartTime": second.isoformat(), "newEndTime": (second + FORTY_FIVE).isoformat()},
        ],
    }  # fmt: skip


NEW_STARTS = {
    "later": lambda now: (now + timedelta(days=3)).isoformat(),
    "past": lambda now: (now - timedelta(hours=1)).isoformat(),
    "now": lambda now: now.isoformat(),
    "no offset": lambda now: (now + timedelta(days=3)).replace(tzinfo=None).isoformat(),
}
DAYS_AHEAD, STARTED, LATER = timedelta(days=2), -timedelta(hours=2), "later"
REFUSALS = [  # who, arranged status, its start from now, the new start, the error
    ("customer", S.CONFIRMED, DAYS_AHEAD, LATER, "FORBIDDEN"),
    ("customer", S.PENDING, DAYS_AHEAD, LATER, "FORBIDDEN"),
    ("customer", S.COMPLETED, STARTED, LATER, "FORBIDDEN"),  # the role before the status
    ("stylist", S.CONFIRMED, DAYS_AHEAD, LATER, "FORBIDDEN"),
    ("stylist", S.PENDING, DAYS_AHEAD, LATER, "FORBIDDEN"),
    ("system", S.CONFIRMED, DAYS_AHEAD, LATER, "FORBIDDEN"),
    ("other_customer", S.CONFIRMED, DAYS_AHEAD, LATER, "NOT_FOUND"),
    ("other_stylist", S.CONFIRMED, DAYS_AHEAD, LATER, "NOT_FOUND"),
    ("admin", S.IN_PROGRESS, timedelta(0), LATER, "INVALID_TRANSITION"),
    ("admin", S.COMPLETED, STARTED, LATER, "INVALID_TRANSITION"),
    ("admin", S.CANCELLED, DAYS_AHEAD, LATER, "INVALID_TRANSITION"),
    ("admin", S.NO_SHOW, STARTED, LATER, "INVALID_TRANSITION"),
    ("admin", S.CANCELLED, DAYS_AHEAD, "past", "INVALID_TRANSITION"),  # the status first
    ("admin", S.CONFIRMED, DAYS_AHEAD, "past", "VALIDATION_FAILED"),
    ("admin", S.PENDING, DAYS_AHEAD, "now", "VALIDATION_FAILED"),
    ("admin", S.CONFIRMED, DAYS_AHEAD, "no offset", "VALIDATION_FAILED"),
]
ERROR_TYPES = {
    "FORBIDDEN": "ForbiddenError",
    "NOT_FOUND": "NotFoundError",
    "INVALID_TRANSITION": "InvalidTransitionError",
    "VALIDATION_FAILED": "ValidationFailedError",
}


@pytest.mark.parametrize(("who", "status", "starts_in", "new_start", "code"), REFUSALS)
async def test_only_an_admin_moves_only_a_pending_or_confirmed_booking_else_nothing_changes(
    api: Api, factory: Factory, who: str, status: S, starts_in: timedelta, new_start: str, code: str
) -> None:
    party, booking = await arrange(factory, status, starts_in)
    before = await state(api, factory, party, booking)
    start = NEW_STARTS[new_start](factory.clock.now())

    result = await move(api, factory, getattr(party, who), booking, start)

    assert (result["__typename"], result["code"]) == (ERROR_TYPES[code], code)
    if code == "VALIDATION_FAILED":
        assert result["field"] == "startTime"
    assert await state(api, factory, party, booking) == before


@pytest.mark.parametrize(
    ("held", "outcome"),
    [
        (S.PENDING, "SLOT_UNAVAILABLE"),
        (S.CONFIRMED, "SLOT_UNAVAILABLE"),
        (S.COMPLETED, "SLOT_UNAVAILABLE"),
        (S.CANCELLED, "RescheduleBookingSuccess"),
        (S.NO_SHOW, "RescheduleBookingSuccess"),
    ],
)
async def test_a_move_onto_another_booking_of_the_stylist_needs_that_one_to_be_dead(
    api: Api, factory: Factory, held: S, outcome: str
) -> None:
    party, booking = await arrange(factory)
    other = await factory.booking(party, status=held, starts_in=timedelta(days=5))
    before = await state(api, factory, party, booking)
    onto = other.facts.start + timedelta(minutes=30)

    result = await move(api, factory, party.admin, booking, onto.isoformat())

    if outcome == "SLOT_UNAVAILABLE":
        assert (result["__typename"], result["code"]) == ("SlotUnavailableError", outcome)
        assert await state(api, factory, party, booking) == before
    else:
        assert result["__typename"] == outcome
        assert result["booking"]["startTime"] == onto.isoformat()


async def test_another_stylists_booking_and_the_booking_itself_are_no_obstacle(
    api: Api, factory: Factory
) -> None:
    party, booking = await arrange(factory)
    elsewhere = await factory.booking(await factory.party(), starts_in=timedelta(days=4))
    beside_itself = booking.facts.start + timedelta(minutes=20)

    overlapping_itself = await move(api, factory, party.admin, booking, beside_itself.isoformat())
    onto_elsewhere = await move(
        api, factory, party.admin, booking, elsewhere.facts.start.isoformat()
    )

    assert overlapping_itself["booking"]["startTime"] == beside_itself.isoformat()
    assert onto_elsewhere["booking"]["startTime"] == elsewhere.facts.start.isoformat()
