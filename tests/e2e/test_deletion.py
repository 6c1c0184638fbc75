"""deleteBooking: who may soft-delete what (docs/rules.md#who-may-do-what), and that a deleted
booking is gone from every query, mutation and subscription while its audit stays."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.bookings import Booking
from salonbook.db.people import Person
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.live import ws_client
from tests.support.streams import caught_up, tailer, until_feeds

S = BookingStatus
DELETE = """
mutation($input: DeleteBookingInput!) { deleteBooking(input: $input) { __typename
  ... on DeleteBookingSuccess { bookingId } ... on Error { code message } } }
"""
BOOKING = "query($id: ID!) { booking(id: $id) { id status version } }"
IDS = "query($filter: BookingFilter) { bookings(filter: $filter) { edges { node { id } } } }"
CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) { __typename
  ... on CreateBookingSuccess { booking { id startTime } } ... on Error { code } } }
"""
MUTATIONS = {
    "transitionBooking": """mutation($id: ID!) { transitionBooking(input: {bookingId: $id,
        action: CANCEL, reason: "gone"}) { ... on Error { code } } }""",
    "rescheduleBooking": """mutation($id: ID!, $at: DateTime!) { rescheduleBooking(input: {
        bookingId: $id, startTime: $at}) { ... on Error { code } } }""",
    "addStylistNote": """mutation($id: ID!) { addStylistNote(input: {bookingId: $id,
        body: "hello"}) { ... on Error { code } } }""",
    "deleteBooking": """mutation($id: ID!) { deleteBooking(input: {bookingId: $id}) {
        ... on Error { code } } }""",
}
EVENTS = "subscription($f: BookingEventFilter) { bookingEvents(filter: $f) { kind bookingId booking { id } } }"  # noqa: E501


async def _delete(api: Api, factory: Factory, who: Person, booking: Booking) -> Any:
    variables = {"input": {"bookingId": str(booking.id), "reason": "tidy up"}}
    answer = await api.gql(DELETE, variables, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"]["deleteBooking"]


async def _row(engine: AsyncEngine, booking: Booking) -> tuple[Any, ...]:
    query = text(
        "SELECT status, version, deleted_at IS NOT NULL,"
        " (SELECT count(*) FROM booking_status_history h WHERE h.booking_id = b.id)"
        " FROM bookings b WHERE b.id = :id"
    )
    async with engine.connect() as connection:
        return tuple((await connection.execute(query, {"id": booking.id})).one())


async def _not_found_for_everyone(api: Api, factory: Factory, party: Party, booking: Any) -> None:
    for who in (party.customer, party.stylist, party.admin, party.system):
        answer = await api.gql(BOOKING, {"id": str(booking.id)}, token=factory.token(who))
        assert answer["data"] == {"booking": None}, (who.role, answer)
        assert [error["extensions"] for error in answer["errors"]] == [{"code": "NOT_FOUND"}]


DELETABLE_BY_CUSTOMER = [
    (S.PENDING, timedelta(days=2)),
    (S.COMPLETED, -timedelta(hours=3)),
    (S.CANCELLED, timedelta(days=2)),
    (S.NO_SHOW, -timedelta(hours=2)),
    (S.CONFIRMED, -timedelta(hours=1)),  # its start has passed
]


@pytest.mark.parametrize(("status", "starts_in"), DELETABLE_BY_CUSTOMER)
async def test_a_customer_deletes_an_own_booking_that_is_not_upcoming(
    api: Api, factory: Factory, engine: AsyncEngine, status: S, starts_in: timedelta
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=status, starts_in=starts_in)
    status_, version, _, audit = await _row(engine, booking)

    result = await _delete(api, factory, party.customer, booking)

    assert result == {"__typename": "DeleteBookingSuccess", "bookingId": str(booking.id)}
    await _not_found_for_everyone(api, factory, party, booking)
    assert await _row(engine, booking) == (status_, version + 1, True, audit)


REFUSED = [
    ("customer", S.CONFIRMED, timedelta(days=2), "FORBIDDEN"),  # upcoming
    ("customer", S.CONFIRMED, timedelta(minutes=1), "FORBIDDEN"),
    ("customer", S.IN_PROGRESS, timedelta(0), "FORBIDDEN"),
    ("customer", S.IN_PROGRESS, -timedelta(minutes=20), "FORBIDDEN"),
    ("stylist", S.PENDING, timedelta(days=2), "FORBIDDEN"),
    ("stylist", S.COMPLETED, -timedelta(hours=3), "FORBIDDEN"),
    ("system", S.PENDING, timedelta(days=2), "FORBIDDEN"),
    ("system", S.CANCELLED, timedelta(days=2), "FORBIDDEN"),
    ("other_customer", S.PENDING, timedelta(days=2), "NOT_FOUND"),
    ("other_stylist", S.COMPLETED, -timedelta(hours=3), "NOT_FOUND"),
]


@pytest.mark.parametrize(("who", "status", "starts_in", "code"), REFUSED)
async def test_a_refused_deletion_changes_nothing(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    who: str,
    status: S,
    starts_in: timedelta,
    code: str,
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=status, starts_in=starts_in)
    before = await _row(engine, booking)

    result = await _delete(api, factory, getattr(party, who), booking)

    assert result["code"] == code
    assert await _row(engine, booking) == before
    seen = await api.gql(BOOKING, {"id": str(booking.id)}, token=factory.token(party.admin))
    assert seen["data"]["booking"]["status"] == status.value


@pytest.mark.parametrize(
    ("status", "starts_in"),
    [(S.CONFIRMED, timedelta(days=2)), (S.IN_PROGRESS, timedelta(0)), *DELETABLE_BY_CUSTOMER],
)
async def test_an_admin_deletes_any_booking(
    api: Api, factory: Factory, status: S, starts_in: timedelta
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=status, starts_in=starts_in)

    result = await _delete(api, factory, party.admin, booking)

    assert result == {"__typename": "DeleteBookingSuccess", "bookingId": str(booking.id)}
    await _not_found_for_everyone(api, factory, party, booking)


async def test_a_deleted_booking_is_gone_from_lists_and_mutations_but_its_audit_stays(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    kept = await factory.booking(party, status=S.CONFIRMED, starts_in=timedelta(days=3))
    gone = await factory.booking(party, status=S.COMPLETED, starts_in=-timedelta(hours=3))
    await _delete(api, factory, party.customer, gone)
    after_delete = await _row(engine, gone)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}

    for who in (party.customer, party.stylist, party.admin, party.system):
        listed = await api.gql(IDS, mine, token=factory.token(who))
        ids = [edge["node"]["id"] for edge in listed["data"]["bookings"]["edges"]]
        assert ids == [str(kept.id)], who.role
    at = (factory.clock.now() + timedelta(days=5)).isoformat()
    for name, mutation in MUTATIONS.items():
        answer = await api.gql(
            mutation, {"id": str(gone.id), "at": at}, token=factory.token(party.admin)
        )
        assert answer["data"][name] == {"code": "NOT_FOUND"}, name
    assert after_delete == ("COMPLETED", gone.facts.version + 1, True, 3)
    assert await _row(engine, gone) == after_delete


async def test_deleting_a_pending_booking_frees_its_slot(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.PENDING)
    slot = {
        "stylistId": str(party.stylist.id),
        "serviceId": str(booking.service_id),
        "startTime": booking.facts.start.isoformat(),
    }
    token = factory.token(party.other_customer)

    taken = await api.gql(CREATE, {"input": slot}, token=token)
    await _delete(api, factory, party.customer, booking)
    freed = await api.gql(CREATE, {"input": slot}, token=token)

    assert taken["data"]["createBooking"] == {"__typename": "SlotUnavailableError",
                                              "code": "SLOT_UNAVAILABLE"}  # fmt: skip
    created = freed["data"]["createBooking"]
    assert created["__typename"] == "CreateBookingSuccess"
    assert created["booking"]["startTime"] == booking.facts.start.isoformat()


async def test_subscribers_hear_the_deletion_and_nothing_about_the_booking_after_it(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    gone = await factory.booking(party, status=S.PENDING, starts_in=timedelta(days=2))
    later = await factory.booking(party, status=S.PENDING, starts_in=timedelta(days=3))
    await caught_up(app)
    feeds = tailer(app).feed_count
    watchers = (party.customer, party.stylist, party.admin)
    async with (
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.admin)) as admin,
    ):
        clients = (customer, stylist, admin)
        mine = {"f": {"stylistId": str(party.stylist.id)}}
        operations = [await client.subscribe(EVENTS, mine) for client in clients]
        await until_feeds(app, feeds + len(clients))
        await _delete(api, factory, party.customer, gone)
        for name, mutation in MUTATIONS.items():  # all refused: nothing to hear
            answer = await api.gql(mutation, {"id": str(gone.id), "at": "2031-04-01T10:00:00Z"},
                                   token=factory.token(party.admin))  # fmt: skip
            assert answer["data"][name] == {"code": "NOT_FOUND"}, name
        await _delete(api, factory, party.admin, later)

        heard = [await client.events(op, 2) for client, op in zip(clients, operations, strict=True)]
        for client, operation in zip(clients, operations, strict=True):
            await client.silence(operation)
        async with ws_client(live, token=factory.token(party.admin)) as late:
            by_id = await late.subscribe(EVENTS, {"f": {"bookingId": str(gone.id)}})
            refused = await late.next(by_id)

    for who, events in zip(watchers, heard, strict=True):
        assert events == [
            {"kind": "DELETED", "bookingId": str(gone.id), "booking": None},
            {"kind": "DELETED", "bookingId": str(later.id), "booking": None},
        ], who.role
    payload = refused["payload"]
    errors = payload if refused["type"] == "error" else payload["errors"]
    assert [error["extensions"] for error in errors] == [{"code": "NOT_FOUND"}], refused


async def test_deleting_an_unknown_booking_is_not_found(api: Api, factory: Factory) -> None:
    party = await factory.party()
    variables = {"input": {"bookingId": str(uuid.uuid4())}}
    answer = await api.gql(DELETE, variables, token=factory.token(party.admin))
    assert answer["data"]["deleteBooking"]["code"] == "NOT_FOUND"
