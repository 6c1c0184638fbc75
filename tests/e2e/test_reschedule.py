"""rescheduleBooking: an admin moves a PENDING or CONFIRMED booking; every refusal changes nothing,
and the record of each move is append-only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from starlette.applications import Starlette

from salonbook.db.bookings import Booking
from salonbook.db.urls import plain_url
from salonbook.domain.statuses import BookingStatus
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory, Party
from tests.support.live import ws_client
from tests.support.sql import INSUFFICIENT_PRIVILEGE, refused
from tests.support.streams import caught_up, tailer, until_feeds

S = BookingStatus
MOVE = """
mutation($input: RescheduleBookingInput!) { rescheduleBooking(input: $input) { __typename
  ... on RescheduleBookingSuccess {
    booking { id status startTime endTime version }
    reschedule { id oldStartTime oldEndTime newStartTime newEndTime actorRole reason ipAddress
      userAgent } }
  ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on VersionConflictError { currentVersion } } }
"""
STATE = """
query($id: ID!) { booking(id: $id) { status startTime endTime version
  statusHistory { id toStatus } reschedules { id oldStartTime newStartTime newEndTime } } }
"""
EVENTS = """subscription($f: BookingEventFilter) { bookingEvents(filter: $f) { kind bookingId
  booking { startTime version } reschedule { oldStartTime newStartTime actorRole ipAddress } } }"""
USER_AGENT = "salonbook-reschedule-test/1.0"
FORTY_FIVE = timedelta(minutes=45)


async def _move(
    api: Api, factory: Factory, who: Any, booking: Booking, start: str, **given: Any
) -> dict[str, Any]:
    variables = {"input": {"bookingId": str(booking.id), "startTime": start, **given}}
    body = await api.gql(
        MOVE, variables, token=factory.token(who), headers={"User-Agent": USER_AGENT}
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["rescheduleBooking"]
    return result


async def _state(api: Api, factory: Factory, party: Party, booking: Booking) -> dict[str, Any]:
    body = await api.gql(STATE, {"id": str(booking.id)}, token=factory.token(party.admin))
    found: dict[str, Any] = body["data"]["booking"]
    return found


async def _arrange(
    factory: Factory, status: S = S.CONFIRMED, starts_in: timedelta = timedelta(days=2)
) -> tuple[Party, Booking]:
    party = await factory.party()
    service = await factory.service(minutes=45)
    return party, await factory.booking(party, status=status, starts_in=starts_in, service=service)


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED])
async def test_an_admin_moves_a_pending_or_confirmed_booking_its_length_kept_each_move_recorded(
    api: Api, factory: Factory, status: S
) -> None:
    party, booking = await _arrange(factory, status)
    before = await _state(api, factory, party, booking)
    first = factory.clock.now() + timedelta(days=3, minutes=30)
    second = first + timedelta(days=1)

    moved = await _move(api, factory, party.admin, booking, first.isoformat(), reason=" asked ")
    again = await _move(api, factory, party.admin, booking, second.isoformat())

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
    assert await _state(api, factory, party, booking) == {
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
    party, booking = await _arrange(factory, status, starts_in)
    before = await _state(api, factory, party, booking)
    start = NEW_STARTS[new_start](factory.clock.now())

    result = await _move(api, factory, getattr(party, who), booking, start)

    assert (result["__typename"], result["code"]) == (ERROR_TYPES[code], code)
    if code == "VALIDATION_FAILED":
        assert result["field"] == "startTime"
    assert await _state(api, factory, party, booking) == before


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
    party, booking = await _arrange(factory)
    other = await factory.booking(party, status=held, starts_in=timedelta(days=5))
    before = await _state(api, factory, party, booking)
    onto = other.facts.start + timedelta(minutes=30)

    result = await _move(api, factory, party.admin, booking, onto.isoformat())

    if outcome == "SLOT_UNAVAILABLE":
        assert (result["__typename"], result["code"]) == ("SlotUnavailableError", outcome)
        assert await _state(api, factory, party, booking) == before
    else:
        assert result["__typename"] == outcome
        assert result["booking"]["startTime"] == onto.isoformat()


async def test_another_stylists_booking_and_the_booking_itself_are_no_obstacle(
    api: Api, factory: Factory
) -> None:
    party, booking = await _arrange(factory)
    elsewhere = await factory.booking(await factory.party(), starts_in=timedelta(days=4))
    beside_itself = booking.facts.start + timedelta(minutes=20)

    overlapping_itself = await _move(api, factory, party.admin, booking, beside_itself.isoformat())
    onto_elsewhere = await _move(
        api, factory, party.admin, booking, elsewhere.facts.start.isoformat()
    )

    assert overlapping_itself["booking"]["startTime"] == beside_itself.isoformat()
    assert onto_elsewhere["booking"]["startTime"] == elsewhere.facts.start.isoformat()


async def test_a_stale_expected_version_is_a_conflict_that_changes_nothing(
    api: Api, factory: Factory
) -> None:
    party, booking = await _arrange(factory)
    before = await _state(api, factory, party, booking)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    version = booking.facts.version

    stale = await _move(api, factory, party.admin, booking, start, expectedVersion=version - 1)
    unchanged = await _state(api, factory, party, booking)
    current = await _move(api, factory, party.admin, booking, start, expectedVersion=version)

    assert stale == {
        "__typename": "VersionConflictError",
        "code": "VERSION_CONFLICT",
        "message": stale["message"],
        "currentVersion": version,
    }
    assert unchanged == before
    assert current["booking"]["version"] == version + 1


async def test_a_replayed_idempotency_key_moves_once(api: Api, factory: Factory) -> None:
    party, booking = await _arrange(factory)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    elsewhere = (factory.clock.now() + timedelta(days=4)).isoformat()
    key = {"idempotencyKey": f"move-{booking.id}"}

    first = await _move(api, factory, party.admin, booking, start, **key)
    replay = await _move(api, factory, party.admin, booking, start, **key)
    after_replay = await _state(api, factory, party, booking)
    conflict = await _move(api, factory, party.admin, booking, elsewhere, **key)

    assert first["__typename"] == "RescheduleBookingSuccess"
    assert replay == first
    assert after_replay["version"] == booking.facts.version + 1
    assert [move["id"] for move in after_replay["reschedules"]] == [first["reschedule"]["id"]]
    assert (conflict["__typename"], conflict["code"]) == (
        "IdempotencyConflictError",
        "IDEMPOTENCY_CONFLICT",
    )
    assert await _state(api, factory, party, booking) == after_replay


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE booking_reschedules SET new_start = new_start + interval '1 day'"
        " WHERE booking_id = $1",
        "UPDATE booking_reschedules SET reason = 'rewritten' WHERE booking_id = $1",
        "DELETE FROM booking_reschedules WHERE booking_id = $1",
        "TRUNCATE booking_reschedules CASCADE",
    ],
)
async def test_the_record_of_moves_is_append_only(
    api: Api, factory: Factory, database_url: str, statement: str
) -> None:
    party, booking = await _arrange(factory)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    await _move(api, factory, party.admin, booking, start, reason="clash")
    rows = "SELECT * FROM booking_reschedules WHERE booking_id = $1 ORDER BY id"
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        before = await connection.fetch(rows, booking.id)
        transaction = connection.transaction()
        await transaction.start()  # rolled back whatever happens: a TRUNCATE never sticks
        try:
            arguments = [booking.id] if "$1" in statement else []
            await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, *arguments))
        finally:
            await transaction.rollback()
        assert len(before) == 1
        assert await connection.fetch(rows, booking.id) == before
    finally:
        await connection.close()


async def test_the_move_reaches_subscribers_with_the_old_and_new_times(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party, booking = await _arrange(factory)
    start = factory.clock.now() + timedelta(days=3)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.admin)) as admin,
    ):
        mine = {"f": {"stylistId": str(party.stylist.id)}}  # an admin sees every booking
        operations = [await customer.subscribe(EVENTS, mine), await admin.subscribe(EVENTS, mine)]
        await until_feeds(app, feeds + 2)
        await _move(api, factory, party.admin, booking, start.isoformat())
        (to_customer,) = await customer.events(operations[0], 1)
        (to_admin,) = await admin.events(operations[1], 1)

    def event(ip_address: str | None) -> dict[str, Any]:
        return {
            "kind": "RESCHEDULED",
            "bookingId": str(booking.id),
            "booking": {"startTime": start.isoformat(), "version": booking.facts.version + 1},
            "reschedule": {"oldStartTime": booking.facts.start.isoformat(),
                           "newStartTime": start.isoformat(), "actorRole": "ADMIN",
                           "ipAddress": ip_address},
        }  # fmt: skip

    assert to_admin == event(CLIENT_IP)
    assert to_customer == event(None)  # the audit IP is for admin and system only
