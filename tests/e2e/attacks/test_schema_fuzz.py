"""Every query and mutation of schema.graphql, generated from the schema by hypothesis-graphql
with arguments aimed at real rows (and at ones that do not exist, and at junk), sent as an
admin, a stylist, a customer, the system and nobody: whatever is asked, the answer is never a
5xx, never an INTERNAL_ERROR or SERVICE_UNAVAILABLE, and never shows a stack trace or SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import graphql
import hypothesis_graphql
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from tests.conftest import BASE_TIME
from tests.e2e.attacks.budget import budget
from tests.support.api import Api
from tests.support.factory import ApiFactory

SCHEMA = graphql.build_schema((Path(__file__).parents[3] / "schema.graphql").read_text())
LEAKS = ("Traceback", 'File "', "sqlalchemy", "asyncpg", "SELECT ", "INSERT ", "UPDATE ")
FAILURES = ("INTERNAL_ERROR", "SERVICE_UNAVAILABLE")
ROLES = ("admin", "stylist", "customer", "system", None)


@dataclass(frozen=True)
class World:
    """Rows the generated arguments aim at, by the argument naming them, and a token per role."""

    rows: dict[str, tuple[str, ...]] = field(repr=False)
    tokens: dict[str, str] = field(repr=False)

    def aim(self, operation: str) -> str:
        """The operation with each placeholder id replaced by a row fit for its argument."""

        def row(found: re.Match[str]) -> str:
            fitting = self.rows.get(found["name"], self.rows["any"])
            return f'{found["name"]}: "{fitting[int(found["n"]) % len(fitting)]}"'

        return PLACEHOLDER.sub(row, operation)


@pytest.fixture(scope="module")
async def world(engine: AsyncEngine, clock: SettableClock, api: Api) -> World:
    clock.set(BASE_TIME)
    factory = ApiFactory(engine=engine, clock=clock, settings=api.settings, api=api)
    party = await factory.party()
    service = await factory.service()
    bookings = [
        await factory.booking(party, status=status, service=service, starts_in=timedelta(days=d))
        for d, status in enumerate(BookingStatus, start=2)
    ]
    people = (party.customer, party.stylist, party.other_customer, party.admin, party.system)
    booking_ids = tuple(str(booking.id) for booking in bookings)
    rows = {
        "bookingId": booking_ids,
        "stylistId": (str(party.stylist.id), str(party.other_stylist.id)),
        "customerId": (str(party.customer.id), str(party.other_customer.id)),
        "serviceId": (str(service.id),),
        "personId": tuple(str(person.id) for person in people),
        "any": (*booking_ids, str(service.id), *(str(person.id) for person in people)),
    }
    tokens = {
        "admin": factory.token(party.admin),
        "stylist": factory.token(party.stylist),
        "customer": factory.token(party.customer),
        "system": factory.token(party.system),
    }
    return World(rows=rows, tokens=tokens)


# Generated arguments name rows by these placeholders; World.aim swaps in real ids.
KNOWN = tuple(f"known-row-{n}" for n in range(12))
PLACEHOLDER = re.compile(r'(?P<name>\w+): "known-row-(?P<n>\d+)"')
ROOT_FIELDS = (
    *(("query", name) for name in SCHEMA.query_type.fields),  # type: ignore[union-attr]
    *(("mutation", name) for name in SCHEMA.mutation_type.fields),  # type: ignore[union-attr]
)
ARGUMENTS = {
    name: field.args
    for root in (SCHEMA.query_type, SCHEMA.mutation_type)
    if root is not None
    for name, field in root.fields.items()
}


def _texts() -> st.SearchStrategy[str]:
    return st.text(max_size=40) | st.sampled_from(["", " ", "\x00", "'; DROP TABLE bookings;--"])


def _ids() -> st.SearchStrategy[graphql.ValueNode]:
    known = st.sampled_from(KNOWN)
    return st.one_of(known, known, known, st.uuids().map(str), _texts()).map(nodes.String)


EDGES = (
    "9999-12-31T23:30:00+00:00",
    "9999-12-31T23:59:59.999999+00:00",
    "9999-12-31T23:00:00-12:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00+00:00",
    "1970-01-01T00:00:00+00:00",
    "2031-03-10T12:00:00.000001+00:00",
    "2031-03-10T12:07:13+00:00",
)


def _datetimes() -> st.SearchStrategy[graphql.ValueNode]:
    """Near the test clock on the half-hour (times a client would send), at the ends of the
    calendar, anywhere in it with any offset or none, and junk."""
    near = st.integers(-48 * 4, 90 * 48).map(lambda n: BASE_TIME + timedelta(minutes=30 * n))
    offsets: st.SearchStrategy[tzinfo] = st.sampled_from(
        [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]
    )
    first, last = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)
    anywhere = st.datetimes(first, last, timezones=offsets) | st.datetimes(first, last)
    dates = st.one_of(near, near, anywhere).map(lambda moment: moment.isoformat())
    edges = st.sampled_from(EDGES)
    return st.one_of(dates, edges, edges, _texts()).map(nodes.String)


SCALARS = {"ID": _ids(), "DateTime": _datetimes()}


def _operation(field: str) -> st.SearchStrategy[str]:
    """An operation on one root field: valid three times in four, else with one violation."""
    valid = hypothesis_graphql.from_schema(SCHEMA, fields=[field], custom_scalars=SCALARS)
    if not ARGUMENTS[field]:  # nothing to violate
        return valid.map(str)
    violating = hypothesis_graphql.from_schema(
        SCHEMA, fields=[field], custom_scalars=SCALARS, mode=hypothesis_graphql.Mode.NEGATIVE
    )
    return st.one_of(valid, valid, valid, violating).map(str)


OPERATIONS = st.sampled_from([name for _, name in ROOT_FIELDS]).flatmap(_operation)


def failures(body: Any) -> list[dict[str, Any]]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [
        error
        for error in errors or []
        if isinstance(error, dict) and (error.get("extensions") or {}).get("code") in FAILURES
    ]


@budget(examples=300)
@given(operation=OPERATIONS, role=st.sampled_from(ROLES))
async def test_no_operation_breaks_the_service(
    api: Api, world: World, operation: str, role: str | None
) -> None:
    token = world.tokens[role] if role is not None else None

    response = await api.post(world.aim(operation), token=token)

    assert response.status_code < 500, response.text
    body = orjson.loads(response.content)
    assert not failures(body), body
    for leak in LEAKS:
        assert leak not in response.text, response.text
