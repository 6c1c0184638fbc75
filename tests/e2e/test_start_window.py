"""Booking starts lie between now and the booking horizon, on the start grid (in UTC); dates at
the edges of what DateTime can say are typed errors or sensible bounds, never INTERNAL_ERROR."""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.model import Actor, Windows
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from salonbook.use_cases.create_booking import create_booking
from salonbook.use_cases.deps import Caller, Deps
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.footprint import footprint

RESULT = "__typename ... on Error { code message } ... on ValidationFailedError { field }"
CREATE = f"""mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{ {RESULT}
  ... on CreateBookingSuccess {{ booking {{ startTime }} }} }} }}"""
RESCHEDULE = f"""mutation($input: RescheduleBookingInput!) {{ rescheduleBooking(input: $input) {{
  {RESULT} ... on RescheduleBookingSuccess {{ booking {{ startTime }} }} }} }}"""
HORIZON = timedelta(days=365)
GRID = "startTime must be on a 5-minute grid (whole minutes, a multiple of 5)"
TOO_FAR = "startTime must be at most 365 days ahead"
PAST = "startTime must be in the future"


def _refused(message: str) -> dict[str, Any]:
    return {
        "__typename": "ValidationFailedError",
        "code": "VALIDATION_FAILED",
        "message": message,
        "field": "startTime",
    }


# (what, start from now, or a literal start, what it gives: the stored start or a refusal)
STARTS: list[tuple[str, timedelta | str, str | dict[str, Any]]] = [
    ("exactly the horizon", HORIZON, "horizon"),
    ("one grid step past the horizon", HORIZON + timedelta(minutes=5), _refused(TOO_FAR)),
    ("off the grid by a minute", timedelta(days=1, minutes=7), _refused(GRID)),
    ("off the grid by a second", timedelta(days=1, seconds=1), _refused(GRID)),
    ("off the grid by a microsecond", timedelta(days=1, microseconds=1), _refused(GRID)),
    ("on the grid in UTC, not locally", "2031-03-11T17:47:00+05:47", "2031-03-11T12:00:00+00:00"),
    ("off the grid in UTC only", "2031-03-11T17:45:00+05:47", _refused(GRID)),
    ("the last instant, far west", "9999-12-31T23:59:59.999999-14:00", _refused(TOO_FAR)),
    ("year 9999", "9999-12-31T23:00:00Z", _refused(TOO_FAR)),
    ("the first instant, far east", "0001-01-01T00:00:00+14:00", _refused(PAST)),
]


def _start(now: datetime, given: timedelta | str) -> str:
    return (now + given).isoformat() if isinstance(given, timedelta) else given


@pytest.mark.parametrize(("given", "gives"), [c[1:] for c in STARTS], ids=[c[0] for c in STARTS])
async def test_create_booking_start_window_and_grid(
    api: Api, factory: Factory, engine: AsyncEngine, given: timedelta | str, gives: Any
) -> None:
    party = await factory.party()
    service = await factory.service()
    now = factory.clock.now()
    before = await footprint(engine)
    variables = {"stylistId": str(party.stylist.id), "serviceId": str(service.id)}

    answer = await api.gql(
        CREATE,
        {"input": variables | {"startTime": _start(now, given)}},
        token=factory.token(party.customer),
    )

    result = answer["data"]["createBooking"]
    if isinstance(gives, dict):
        assert result == gives
        assert await footprint(engine) == before
    else:
        stored = (now + HORIZON).isoformat() if gives == "horizon" else gives
        assert result == {"__typename": "CreateBookingSuccess", "booking": {"startTime": stored}}


@pytest.mark.parametrize(("given", "gives"), [c[1:] for c in STARTS], ids=[c[0] for c in STARTS])
async def test_reschedule_booking_start_window_and_grid(
    api: Api, factory: Factory, engine: AsyncEngine, given: timedelta | str, gives: Any
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    now = factory.clock.now()
    before = await footprint(engine)

    answer = await api.gql(
        RESCHEDULE,
        {"input": {"bookingId": str(booking.id), "startTime": _start(now, given)}},
        token=factory.token(party.admin),
    )

    result = answer["data"]["rescheduleBooking"]
    if isinstance(gives, dict):
        assert result == gives
        assert await footprint(engine) == before
    else:
        stored = (now + HORIZON).isoformat() if gives == "horizon" else gives
        assert result == {
            "__typename": "RescheduleBookingSuccess",
            "booking": {"startTime": stored},
        }


async def test_without_a_grid_any_start_in_the_window_is_accepted(
    api: Api, deps: Deps, factory: Factory
) -> None:
    party = await factory.party()
    service = await factory.service()
    start = factory.clock.now() + timedelta(days=1, minutes=7, seconds=13, microseconds=123456)
    no_grid = replace(deps, windows=Windows(start_grid_minutes=0))

    booking_id = await create_booking(
        no_grid,
        Caller(actor=Actor(party.customer.id, Role.CUSTOMER)),
        customer_id=None,
        stylist_id=party.stylist.id,
        service_id=service.id,
        start=start,
        idempotency_key=None,
    )

    booked = await api.gql(
        "query($id: ID!) { booking(id: $id) { startTime } }",
        {"id": str(booking_id)},
        token=factory.token(party.customer),
    )
    assert booked == {"data": {"booking": {"startTime": start.isoformat()}}}


UNREADABLE = '"9999-12-31T24:00:00Z"'  # the midnight after the last day: not a datetime


async def test_an_unrepresentable_date_time_is_a_coercion_error_not_an_internal_one(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    literal = f"""mutation {{ createBooking(input: {{stylistId: "{party.stylist.id}",
        serviceId: "{uuid.uuid4()}", startTime: {UNREADABLE}}}) {{ __typename }} }}"""
    variable = "query($f: BookingFilter) { bookings(filter: $f) { edges { cursor } } }"
    token = factory.token(party.admin)

    answers = [
        await api.gql(literal, token=token),
        await api.gql(variable, {"f": {"startsAfter": UNREADABLE.strip('"')}}, token=token),
    ]

    for answer in answers:
        assert answer["data"] is None
        (error,) = answer["errors"]
        assert "Value cannot represent a DateTime" in error["message"]
        assert "extensions" not in error  # a request error, like any unreadable DateTime


FILTERED = """query($f: BookingFilter) { bookings(filter: $f) { edges { node { id } } } }"""
# (bounds given, whether the party's booking is found)
FILTERS: list[tuple[dict[str, str], bool]] = [
    ({"startsAfter": "0001-01-01T00:00:00+14:00"}, True),
    ({"startsBefore": "0001-01-01T00:00:00+14:00"}, False),
    ({"startsAfter": "0001-01-01T00:00:00Z"}, True),
    ({"startsBefore": "9999-12-31T23:59:59.999999-14:00"}, True),
    ({"startsAfter": "9999-12-31T23:59:59.999999-14:00"}, False),
    ({"startsAfter": "9999-12-31T23:59:59.999999+14:00"}, False),
    ({"startsAfter": "2031-03-12T11:00:00", "startsBefore": "2031-03-12T13:00:00"}, True),
]


@pytest.mark.parametrize(("bounds", "found"), FILTERS)
async def test_time_filters_at_the_edges_of_datetime_are_bounds_not_errors(
    api: Api, factory: Factory, bounds: dict[str, str], found: bool
) -> None:
    party = await factory.party()
    booking = await factory.booking(party)  # starts 2031-03-12T12:00Z
    variables = {"f": {"stylistId": str(party.stylist.id), **bounds}}

    answer = await api.gql(FILTERED, variables, token=factory.token(party.admin))

    expected = [{"node": {"id": str(booking.id)}}] if found else []
    assert answer == {"data": {"bookings": {"edges": expected}}}


@pytest.mark.parametrize(
    "start", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.999999-14:00", "2031-03-12T12:00"]
)
async def test_a_forged_connection_cursor_at_the_edges_is_a_validation_error(
    api: Api, factory: Factory, start: str
) -> None:
    party = await factory.party()
    cursor = base64.urlsafe_b64encode(f"{start}|{party.admin.id}".encode()).decode()
    query = "query($after: String) { bookings(after: $after) { edges { cursor } } }"

    answer = await api.gql(query, {"after": cursor}, token=factory.token(party.admin))

    assert answer["data"] is None
    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        ("after is not a cursor from this API", {"code": "VALIDATION_FAILED"})
    ]
