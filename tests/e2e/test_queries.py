"""The read API: Relay pages of bookings, their filters, batched nested loads (services:
test_services_listed.py)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db import bookings
from salonbook.db.bookings import Booking
from salonbook.db.engine import unit_of_work
from salonbook.db.services import Service
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party

PAGE = """
query($first: Int, $after: String, $filter: BookingFilter) {
  bookings(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id startTime } }
    pageInfo { hasNextPage startCursor endCursor }
  }
}
"""

NESTED_PAGE = """
query($first: Int) {
  bookings(first: $first) {
    edges { node { id customer { id displayName } stylist { id displayName }
      service { id name } statusHistory { id toStatus actorRole } } }
  }
}
"""


async def _arrange_many(
    factory: Factory, party: Party, *, count: int, first_start: datetime, service: Service
) -> list[Booking]:
    """`count` PENDING bookings an hour apart, in one transaction (fast)."""
    async with unit_of_work(factory.engine) as connection:
        return [
            await bookings.create(
                connection,
                booking_id=uuid.uuid4(),
                customer_id=party.customer.id,
                stylist_id=party.stylist.id,
                service_id=service.id,
                start=first_start + timedelta(hours=i),
                end=first_start + timedelta(hours=i, minutes=service.duration_minutes),
                price_cents=service.price_cents,
                currency=service.currency,
                now=factory.clock.now(),
            )
            for i in range(count)
        ]


async def _walk(
    api: Api, token: str, *, first: int, filter: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every page, following endCursor until hasNextPage is false."""
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"first": first, "after": after, "filter": filter}
        body = await api.gql(PAGE, variables, token=token)
        assert "errors" not in body, body
        page: dict[str, Any] = body["data"]["bookings"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 10, "the walk does not end"


def _ids(pages: list[dict[str, Any]]) -> list[str]:
    return [edge["node"]["id"] for page in pages for edge in page["edges"]]


@pytest.mark.parametrize(("first", "sizes"), [(50, [50, 50, 20]), (40, [40, 40, 40])])
async def test_pages_walk_every_booking_once_in_start_order(
    api: Api, factory: Factory, first: int, sizes: list[int]
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=30)
    arranged = await _arrange_many(
        factory,
        party,
        count=120,
        first_start=factory.clock.now() + timedelta(days=2),
        service=service,
    )

    pages = await _walk(api, factory.token(party.stylist), first=first)

    assert [len(page["edges"]) for page in pages] == sizes
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True, False]
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    assert _ids(pages) == [str(booking.id) for booking in arranged]


async def test_bookings_at_the_same_time_are_ordered_by_id_across_pages(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=30)
    at_the_other_stylist = replace(party, stylist=party.other_stylist)
    start = factory.clock.now() + timedelta(days=2)
    arranged = [
        *await _arrange_many(factory, party, count=3, first_start=start, service=service),
        *await _arrange_many(
            factory, at_the_other_stylist, count=3, first_start=start, service=service
        ),
    ]
    expected = sorted(arranged, key=lambda b: (b.facts.start, b.id))

    # pages of 3 over 3 pairs of equal start times: a page ends inside a pair
    pages = await _walk(
        api,
        factory.token(party.admin),
        first=3,
        filter={"customerId": str(party.customer.id), "statuses": ["PENDING"]},
    )

    assert [len(page["edges"]) for page in pages] == [3, 3]
    assert _ids(pages) == [str(booking.id) for booking in expected]


@pytest.mark.parametrize("first", [51, -1, 1000])
async def test_a_page_size_outside_0_to_50_is_refused(
    api: Api, factory: Factory, first: int
) -> None:
    party = await factory.party()
    body = await api.gql(PAGE, {"first": first}, token=factory.token(party.admin))
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["VALIDATION_FAILED"]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "after",
    [
        "not a cursor!",
        _b64("garbage"),
        _b64(f"2031-03-12T12:00:00|{uuid.uuid4()}"),  # no time zone
        _b64("2031-03-12T12:00:00+00:00|not-a-uuid"),
        _b64(f"2031-03-12T12:00:00+00:00|{uuid.uuid4()}|extra"),
        # valid in Python, out of PostgreSQL's (and datetime's) range once in UTC
        _b64(f"0001-01-01T00:00:00+14:00|{uuid.uuid4()}"),
        _b64(f"9999-12-31T23:59:59-14:00|{uuid.uuid4()}"),
        _b64(f"2031-03-12T12:00:00+00:00|{uuid.uuid4()}") + "\u00e9",
        "",
        "A" * 10_000,
    ],
)
async def test_a_malformed_after_cursor_is_refused(api: Api, factory: Factory, after: str) -> None:
    party = await factory.party()
    body = await api.gql(PAGE, {"after": after}, token=factory.token(party.admin))
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["VALIDATION_FAILED"]


Arranged = dict[str, Booking]
FilterOf = Callable[[Party, Arranged], dict[str, Any]]

FILTER_CASES: list[tuple[str, FilterOf, list[str]]] = [
    ("statuses", lambda p, a: {"statuses": ["CONFIRMED", "CANCELLED"]}, ["b1", "b2"]),
    ("customerId", lambda p, a: {"customerId": str(p.other_customer.id)}, ["b2", "b3"]),
    ("startsAfter is inclusive", lambda p, a: {"startsAfter": _at(a["b1"])}, ["b1", "b2", "b3"]),
    ("startsBefore is exclusive", lambda p, a: {"startsBefore": _at(a["b2"])}, ["b0", "b1"]),
    (
        "a window",
        lambda p, a: {"startsAfter": _at(a["b1"]), "startsBefore": _at(a["b3"])},
        ["b1", "b2"],
    ),
    (
        "all together",
        lambda p, a: {
            "statuses": ["CANCELLED", "PENDING"],
            "customerId": str(p.other_customer.id),
            "startsAfter": _at(a["b1"]),
        },
        ["b2"],
    ),
]


def _at(booking: Booking) -> str:
    return booking.facts.start.isoformat()


@pytest.mark.parametrize(
    ("filter_of", "expected"),
    [case[1:] for case in FILTER_CASES],
    ids=[case[0] for case in FILTER_CASES],
)
async def test_filters_narrow_a_stylists_bookings(
    api: Api, factory: Factory, filter_of: FilterOf, expected: list[str]
) -> None:
    party = await factory.party()
    theirs = replace(party, customer=party.other_customer)
    day = timedelta(days=1)
    arranged = {
        "b0": await factory.booking(party, starts_in=1 * day),
        "b1": await factory.booking(party, status=BookingStatus.CONFIRMED, starts_in=2 * day),
        "b2": await factory.booking(theirs, status=BookingStatus.CANCELLED, starts_in=3 * day),
        "b3": await factory.booking(theirs, status=BookingStatus.COMPLETED, starts_in=4 * day),
    }
    await factory.booking(replace(party, stylist=party.other_stylist), starts_in=2 * day)
    filter = {"stylistId": str(party.stylist.id), **filter_of(party, arranged)}

    pages = await _walk(api, factory.token(party.admin), first=50, filter=filter)

    assert _ids(pages) == [str(arranged[name].id) for name in expected]


@contextmanager
def _counting_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_nested_fields_of_a_page_cost_a_constant_number_of_statements(
    api: Api, factory: Factory, app: Starlette
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=30)
    start = factory.clock.now() + timedelta(days=2)
    for i in range(5):  # the first five have a status history
        customer = party.customer if i % 2 else party.other_customer
        await factory.booking(
            replace(party, customer=customer),
            status=BookingStatus.CONFIRMED,
            starts_in=timedelta(days=1, hours=i),
            service=service,
        )
    await _arrange_many(factory, party, count=45, first_start=start, service=service)
    token = factory.token(party.stylist)
    app_engine: AsyncEngine = app.state.runtime.deps.engine
    await api.gql(NESTED_PAGE, {"first": 50}, token=token)  # provisions, warms the pool

    counts = {}
    for first in (5, 50):
        with _counting_statements(app_engine) as statements:
            body = await api.gql(NESTED_PAGE, {"first": first}, token=token)
        assert "errors" not in body, body
        edges = body["data"]["bookings"]["edges"]
        assert len(edges) == first
        assert all(len(edge["node"]["statusHistory"]) == 1 for edge in edges[:5])
        counts[first] = len(statements)

    assert counts[50] == counts[5]
    assert counts[5] <= 6
