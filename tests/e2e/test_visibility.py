"""Who sees what, from the attacker's side: a booking one may not see does not exist for them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.domain.statuses import BookingAction, BookingStatus
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory, Party

BOOKING = """
query($id: ID!) { booking(id: $id) { id status version statusHistory { id } } }
"""

BOOKING_IDS = """
query($filter: BookingFilter) { bookings(filter: $filter) { edges { node { id } } } }
"""

TRANSITION = """
mutation($input: TransitionBookingInput!) {
  transitionBooking(input: $input) {
    __typename
    ... on TransitionBookingSuccess { booking { id status version } }
    ... on Error { code message }
  }
}
"""

HISTORY = """
query($id: ID!) { booking(id: $id) { statusHistory { toStatus ipAddress userAgent } } }
"""

USER_AGENT = "salonbook-visibility-test/1.0"


async def _booking_as(api: Api, token: str, booking_id: object) -> dict[str, Any]:
    return await api.gql(BOOKING, {"id": str(booking_id)}, token=token)


async def _seen_by_admin(api: Api, factory: Factory, party: Party, booking: Booking) -> Any:
    body = await _booking_as(api, factory.token(party.admin), booking.id)
    return body["data"]["booking"]


async def _ids(api: Api, token: str, filter: dict[str, Any] | None) -> list[str]:
    body = await api.gql(BOOKING_IDS, {"filter": filter}, token=token)
    assert "errors" not in body, body
    return [edge["node"]["id"] for edge in body["data"]["bookings"]["edges"]]


@pytest.mark.parametrize("intruder", ["other_customer", "other_stylist"])
async def test_another_persons_booking_reads_like_one_that_does_not_exist(
    api: Api, factory: Factory, intruder: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    token = factory.token(getattr(party, intruder))

    someone_elses = await _booking_as(api, token, booking.id)
    nonexistent = await _booking_as(api, token, uuid.uuid4())
    malformed = await _booking_as(api, token, "not-a-booking-id")

    assert someone_elses["data"] == {"booking": None}
    assert len(someone_elses["errors"]) == 1
    assert someone_elses["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert someone_elses == nonexistent == malformed


INTRUSIONS = [
    ("other_customer", BookingAction.CANCEL, "changed my mind"),
    ("other_customer", BookingAction.CONFIRM, None),
    ("other_stylist", BookingAction.CANCEL, "sick"),
    ("other_stylist", BookingAction.START, None),
    ("other_stylist", BookingAction.MARK_NO_SHOW, None),
]


@pytest.mark.parametrize(("intruder", "action", "reason"), INTRUSIONS)
async def test_acting_on_another_persons_booking_is_not_found(
    api: Api, factory: Factory, intruder: str, action: BookingAction, reason: str | None
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    before = await _seen_by_admin(api, factory, party, booking)
    token = factory.token(getattr(party, intruder))
    attempt = {"bookingId": str(booking.id), "action": action.value, "reason": reason}

    body = await api.gql(TRANSITION, {"input": attempt}, token=token)
    missing = await api.gql(
        TRANSITION, {"input": {**attempt, "bookingId": str(uuid.uuid4())}}, token=token
    )

    result = body["data"]["transitionBooking"]
    assert result["__typename"] == "NotFoundError"
    assert result["code"] == "NOT_FOUND"
    assert body == missing
    assert await _seen_by_admin(api, factory, party, booking) == before


@pytest.mark.parametrize(("intruder", "action", "reason"), INTRUSIONS)
async def test_a_locked_booking_of_another_person_is_still_not_found(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    intruder: str,
    action: BookingAction,
    reason: str | None,
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    before = await _seen_by_admin(api, factory, party, booking)
    attempt = {"bookingId": str(booking.id), "action": action.value, "reason": reason}
    owners_cancel = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "clash"}

    async with engine.begin() as holder:
        await holder.execute(
            text("SELECT id FROM bookings WHERE id = :id FOR UPDATE"), {"id": booking.id}
        )
        intruding = await api.gql(
            TRANSITION, {"input": attempt}, token=factory.token(getattr(party, intruder))
        )
        owning = await api.gql(
            TRANSITION, {"input": owners_cancel}, token=factory.token(party.customer)
        )

    assert intruding["data"]["transitionBooking"]["code"] == "NOT_FOUND"
    # the owner, asking at the same moment, meets the lock: it really was held
    assert owning["data"]["transitionBooking"]["code"] == "CONCURRENT_UPDATE"
    assert await _seen_by_admin(api, factory, party, booking) == before


LIST_CASES = [
    ("customer", None, ["mine"]),
    ("customer", {"stylistId": "stylist"}, ["mine"]),
    ("customer", {"stylistId": "other_stylist"}, []),
    ("customer", {"customerId": "other_customer"}, []),
    ("stylist", None, ["mine", "same_stylist"]),
    ("stylist", {"customerId": "other_customer"}, ["same_stylist"]),
    ("stylist", {"stylistId": "other_stylist"}, []),
    ("stylist", {"customerId": "customer", "stylistId": "other_stylist"}, []),
    ("admin", {"stylistId": "stylist"}, ["mine", "same_stylist"]),
    ("admin", {"stylistId": "other_stylist"}, ["strangers"]),
    ("system", {"stylistId": "stylist"}, ["mine", "same_stylist"]),
    ("system", {"customerId": "other_customer"}, ["strangers", "same_stylist"]),
]


@pytest.mark.parametrize(("viewer", "filter", "expected"), LIST_CASES)
async def test_lists_hold_only_the_bookings_the_viewer_may_see(
    api: Api,
    factory: Factory,
    viewer: str,
    filter: dict[str, str] | None,
    expected: list[str],
) -> None:
    party = await factory.party()
    strangers = replace(party, customer=party.other_customer, stylist=party.other_stylist)
    arranged = {
        "mine": await factory.booking(party, starts_in=timedelta(days=2)),
        "strangers": await factory.booking(strangers, starts_in=timedelta(days=3)),
        "same_stylist": await factory.booking(
            replace(party, customer=party.other_customer), starts_in=timedelta(days=4)
        ),
    }
    by_id = {key: str(getattr(party, who).id) for key, who in (filter or {}).items()}
    ids = await _ids(api, factory.token(getattr(party, viewer)), by_id or None)
    assert ids == [str(arranged[name].id) for name in expected]


async def _soft_delete(engine: AsyncEngine, booking: Booking) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE bookings SET deleted_at = now(), version = version + 1 WHERE id = :id"),
            {"id": booking.id},
        )


@pytest.mark.parametrize("viewer", ["customer", "stylist", "admin", "system"])
async def test_a_soft_deleted_booking_is_gone_for_everyone(
    api: Api, factory: Factory, engine: AsyncEngine, viewer: str
) -> None:
    party = await factory.party()
    deleted = await factory.booking(party, status=BookingStatus.CONFIRMED)
    kept = await factory.booking(party, starts_in=timedelta(days=3))
    await _soft_delete(engine, deleted)
    token = factory.token(getattr(party, viewer))

    found = await _booking_as(api, token, deleted.id)
    listed = await _ids(api, token, {"stylistId": str(party.stylist.id)})

    assert found == await _booking_as(api, token, uuid.uuid4())
    assert found["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert listed == [str(kept.id)]


async def test_a_soft_deleted_booking_cannot_be_changed_even_by_an_admin(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    deleted = await factory.booking(party, status=BookingStatus.CONFIRMED)
    await _soft_delete(engine, deleted)
    attempt = {"bookingId": str(deleted.id), "action": "CANCEL", "reason": "cleanup"}

    body = await api.gql(TRANSITION, {"input": attempt}, token=factory.token(party.admin))

    assert body["data"]["transitionBooking"]["code"] == "NOT_FOUND"
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT status, version FROM bookings WHERE id = :id"), {"id": deleted.id}
            )
        ).one()
    assert (row.status, row.version) == ("CONFIRMED", 3)  # confirmed, then soft-deleted


@pytest.mark.parametrize(
    ("viewer", "sees_audit"),
    [("customer", False), ("stylist", False), ("admin", True), ("system", True)],
)
async def test_audit_address_and_agent_are_only_for_admin_and_system(
    api: Api, factory: Factory, viewer: str, sees_audit: bool
) -> None:
    party = await factory.party()
    booking = await factory.booking(party)
    confirmed = await api.gql(
        TRANSITION,
        {"input": {"bookingId": str(booking.id), "action": "CONFIRM"}},
        token=factory.token(party.system),
        headers={"User-Agent": USER_AGENT},
    )
    assert confirmed["data"]["transitionBooking"]["__typename"] == "TransitionBookingSuccess"

    body = await api.gql(
        HISTORY, {"id": str(booking.id)}, token=factory.token(getattr(party, viewer))
    )

    expected = {
        "toStatus": "CONFIRMED",
        "ipAddress": CLIENT_IP if sees_audit else None,
        "userAgent": USER_AGENT if sees_audit else None,
    }
    assert body == {"data": {"booking": {"statusHistory": [expected]}}}
