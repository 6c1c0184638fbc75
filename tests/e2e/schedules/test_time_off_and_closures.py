"""addTimeOff/removeTimeOff (an admin, or the stylist for themself) and addClosure/removeClosure
(an admin): the rows, the bookings they affect, the audit; who reads reasons; the audit's
visibility; every refusal writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.statuses import BookingStatus
from tests.e2e.schedules.calls import (
    ADD_CLOSURE,
    ADD_TIME_OFF,
    REMOVE_CLOSURE,
    REMOVE_TIME_OFF,
    call,
    rows,
    written,
)
from tests.support.api import Api
from tests.support.factory import Factory

SCHEDULE = """
query($id: ID!, $from: DateTime!, $to: DateTime!) {
  stylistSchedule(stylistId: $id) { stylistId version allowOutsideOpeningHours
    workingHours { weekday }
    timeOff(from: $from, to: $to) { id stylistId start end reason } }
  salonSchedule { closures(from: $from, to: $to) { id reason } }
}
"""
CHANGES = """
query($stylistId: ID, $limit: Int) { scheduleChanges(stylistId: $stylistId, limit: $limit) {
  id kind stylistId actorId actorRole reason before after } }
"""


async def test_a_stylist_takes_time_off_and_removes_it_the_booking_inside_listed(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(days=5)
    )
    start = booking.facts.start - timedelta(hours=1)
    end = booking.facts.start + timedelta(days=1)
    payload = {
        "stylistId": str(party.stylist.id),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "reason": " dentist ",
    }

    added = await call(api, factory, party.stylist, ADD_TIME_OFF, payload)
    assert added["__typename"] == "AddTimeOffSuccess"
    time_off = added["timeOff"]
    assert time_off == {
        "id": time_off["id"],
        "stylistId": str(party.stylist.id),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "reason": "dentist",
    }
    assert added["affectedBookings"] == [{"id": str(booking.id)}]

    window = {"id": str(party.stylist.id), "from": start.isoformat(), "to": end.isoformat()}
    seen = {}
    for who in ("stylist", "admin", "other_stylist", "customer"):
        body = await api.gql(SCHEDULE, window, token=factory.token(getattr(party, who)))
        (entry,) = body["data"]["stylistSchedule"]["timeOff"]
        seen[who] = entry["reason"]
    assert seen == {
        "stylist": "dentist",
        "admin": "dentist",
        "other_stylist": None,
        "customer": None,
    }

    before = await written(engine)
    overlapping = await call(api, factory, party.admin, ADD_TIME_OFF, payload)
    assert (overlapping["__typename"], overlapping["field"]) == ("ValidationFailedError", "start")
    for who in ("other_stylist", "customer"):
        forbidden = await call(api, factory, getattr(party, who), ADD_TIME_OFF, payload)
        assert forbidden["__typename"] == "ForbiddenError"
        removal = {"timeOffId": time_off["id"], "reason": "x"}
        forbidden = await call(api, factory, getattr(party, who), REMOVE_TIME_OFF, removal)
        assert forbidden["__typename"] == "ForbiddenError"
    assert await written(engine) == before

    removal = {"timeOffId": time_off["id"], "reason": "cancelled"}
    removed = await call(api, factory, party.stylist, REMOVE_TIME_OFF, removal)
    assert removed == {"__typename": "RemoveTimeOffSuccess", "timeOff": {"id": time_off["id"]}}
    after = await written(engine)
    again = await call(api, factory, party.stylist, REMOVE_TIME_OFF, removal)
    assert (again["__typename"], again["code"]) == ("NotFoundError", "NOT_FOUND")
    assert await written(engine) == after
    body = await api.gql(SCHEDULE, window, token=factory.token(party.stylist))
    assert body["data"]["stylistSchedule"]["timeOff"] == []

    mine = await api.gql(
        CHANGES, {"stylistId": str(party.stylist.id)}, token=factory.token(party.admin)
    )
    kinds = [(c["kind"], c["actorRole"], c["reason"]) for c in mine["data"]["scheduleChanges"]]
    assert kinds == [
        ("TIME_OFF_REMOVED", "STYLIST", "cancelled"),
        ("TIME_OFF_ADDED", "STYLIST", "dentist"),
    ]
    latest = mine["data"]["scheduleChanges"][0]
    assert latest["before"] == {
        "id": time_off["id"],
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    assert latest["after"] is None


BAD_TIME_OFF: dict[str, tuple[dict[str, Any], str, str | None]] = {
    "end before start": ({"end": "2030-01-01T09:00:00+00:00"}, "ValidationFailedError", "end"),
    "end at start": ({"end": "2030-01-02T09:00:00+00:00"}, "ValidationFailedError", "end"),
    "over 366 days": ({"end": "2031-01-04T09:00:00+00:00"}, "ValidationFailedError", "end"),
    "blank reason": ({"reason": " "}, "ValidationFailedError", "reason"),
    "no such stylist": (
        {"stylistId": "00000000-0000-4000-8000-000000000001"},
        "NotFoundError",
        None,
    ),
    "not an id": ({"stylistId": "x"}, "ValidationFailedError", "stylistId"),
}


@pytest.mark.parametrize(
    ("change", "kind", "field"), BAD_TIME_OFF.values(), ids=BAD_TIME_OFF.keys()
)
async def test_bad_time_off_is_refused_and_writes_nothing(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    change: dict[str, Any],
    kind: str,
    field: str | None,
) -> None:
    party = await factory.party()
    payload = {
        "stylistId": str(party.stylist.id),
        "start": "2030-01-02T09:00:00+00:00",
        "end": "2030-01-03T09:00:00+00:00",
        "reason": "off",
    } | change
    before = await written(engine)
    result = await call(api, factory, party.admin, ADD_TIME_OFF, payload)
    assert result["__typename"] == kind
    assert result.get("field") == field
    assert await written(engine) == before


async def test_an_admin_closes_the_salon_every_stylists_booking_inside_listed(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    far = timedelta(days=300)
    booking = await factory.booking(party, status=BookingStatus.PENDING, starts_in=far)
    start, end = booking.facts.start, booking.facts.start + timedelta(hours=3)
    payload = {"start": start.isoformat(), "end": end.isoformat(), "reason": "flood"}
    before = await written(engine)
    for who in ("stylist", "customer"):
        forbidden = await call(api, factory, getattr(party, who), ADD_CLOSURE, payload)
        assert forbidden["__typename"] == "ForbiddenError"
    assert await written(engine) == before

    added = await call(api, factory, party.admin, ADD_CLOSURE, payload)
    closure = added["closure"]
    assert added == {
        "__typename": "AddClosureSuccess",
        "closure": {
            "id": closure["id"],
            "start": start.isoformat(),
            "end": end.isoformat(),
            "reason": "flood",
        },
        "affectedBookings": [{"id": str(booking.id)}],
    }
    overlapping = await call(api, factory, party.admin, ADD_CLOSURE, payload)
    assert overlapping["__typename"] == "ValidationFailedError"
    window = {"id": str(party.stylist.id), "from": start.isoformat(), "to": end.isoformat()}
    body = await api.gql(SCHEDULE, window, token=factory.token(party.customer))
    assert body["data"]["salonSchedule"]["closures"] == [{"id": closure["id"], "reason": "flood"}]

    removal = {"closureId": closure["id"], "reason": "dry again"}
    forbidden = await call(api, factory, party.stylist, REMOVE_CLOSURE, removal)
    assert forbidden["__typename"] == "ForbiddenError"
    removed = await call(api, factory, party.admin, REMOVE_CLOSURE, removal)
    assert removed == {"__typename": "RemoveClosureSuccess", "closure": {"id": closure["id"]}}
    again = await call(api, factory, party.admin, REMOVE_CLOSURE, removal)
    assert again["__typename"] == "NotFoundError"
    (row,) = await rows(
        engine, "SELECT removed_by FROM closures WHERE id = $1::uuid", closure["id"]
    )
    assert row == {"removed_by": party.admin.id}


async def test_the_schedule_audit_is_read_by_admins_all_stylists_own_customers_none(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    for stylist in (party.stylist, party.other_stylist):
        payload = {
            "stylistId": str(stylist.id),
            "start": "2032-05-01T09:00:00+00:00",
            "end": "2032-05-02T09:00:00+00:00",
            "reason": "off",
        }
        assert (await call(api, factory, party.admin, ADD_TIME_OFF, payload))["__typename"] == (
            "AddTimeOffSuccess"
        )
    admin = await api.gql(CHANGES, {"limit": 2}, token=factory.token(party.admin))
    assert [c["stylistId"] for c in admin["data"]["scheduleChanges"]] == [
        str(party.other_stylist.id),
        str(party.stylist.id),
    ]
    own = await api.gql(CHANGES, {"limit": 200}, token=factory.token(party.stylist))
    assert {c["stylistId"] for c in own["data"]["scheduleChanges"]} <= {str(party.stylist.id), None}
    assert str(party.stylist.id) in {c["stylistId"] for c in own["data"]["scheduleChanges"]}
    other = await api.gql(
        CHANGES, {"stylistId": str(party.other_stylist.id)}, token=factory.token(party.stylist)
    )
    assert other["data"] is None
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    customer = await api.gql(CHANGES, {}, token=factory.token(party.customer))
    assert (customer["data"], customer["errors"][0]["extensions"]["code"]) == (None, "FORBIDDEN")
    too_many = await api.gql(CHANGES, {"limit": 201}, token=factory.token(party.admin))
    assert too_many["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
