"""setSalonSchedule and setWorkingHours over HTTP: the change, its audit row and event, the
version; every refusal (role, bounds, overlap, unknown zone, bad grid, unknown stylist, version
conflict, hours outside the opening hours) writes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.schedules.calls import (
    DEFAULTS,
    SET_HOURS,
    SET_SALON,
    USER_AGENT,
    call,
    rows,
    written,
)
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory, Party

WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
OPEN = [{"weekday": day, "intervals": [{"start": "09:00", "end": "19:00"}]} for day in WEEKDAYS[:6]]


@pytest.fixture
async def party(factory: Factory, api: Api) -> AsyncIterator[Party]:
    """A party; the salon's settings are put back as every other test expects them."""
    party = await factory.party()
    yield party
    reset = await call(api, factory, party.admin, SET_SALON, DEFAULTS)
    assert reset["__typename"] == "SetSalonScheduleSuccess"


def _listed(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    given = {day["weekday"]: day["intervals"] for day in days}
    return [{"weekday": day, "intervals": given.get(day, [])} for day in WEEKDAYS]


async def test_an_admin_sets_the_salon_schedule_audited_and_versioned(
    api: Api, factory: Factory, engine: AsyncEngine, party: Party
) -> None:
    version = (await rows(engine, "SELECT version FROM salon_settings"))[0]["version"]
    payload = {
        "timeZone": " Europe/Berlin ",
        "slotMinutes": 30,
        "openingHours": OPEN,
        "reason": " new hours ",
        "expectedVersion": version,
    }
    result = await call(api, factory, party.admin, SET_SALON, payload)
    assert result == {
        "__typename": "SetSalonScheduleSuccess",
        "schedule": {
            "version": version + 1,
            "timeZone": "Europe/Berlin",
            "slotMinutes": 30,
            "openingHours": _listed(OPEN),
        },
    }
    (change,) = await rows(
        engine,
        "SELECT kind, stylist_id, actor_id, actor_role, reason, before::text, after::text,"
        " host(ip_address) AS ip, user_agent FROM schedule_changes ORDER BY id DESC LIMIT 1",
    )
    assert change["kind"] == "SALON_SETTINGS_SET"
    assert (change["stylist_id"], change["actor_id"], change["actor_role"]) == (
        None,
        party.admin.id,
        "admin",
    )
    assert (change["reason"], change["ip"], change["user_agent"]) == (
        "new hours",
        CLIENT_IP,
        USER_AGENT,
    )
    assert '"timeZone": "Europe/Berlin"' in change["after"]
    assert '"MONDAY": [["09:00", "19:00"]]' in change["after"]
    (event,) = await rows(
        engine,
        "SELECT e.stylist_id, e.booking_id, e.customer_id FROM booking_events e"
        " JOIN schedule_changes c ON c.id = e.schedule_change_id"
        " WHERE e.kind = 'SCHEDULE_CHANGED' ORDER BY e.id DESC LIMIT 1",
    )
    assert event == {"stylist_id": None, "booking_id": None, "customer_id": None}

    stale = await call(api, factory, party.admin, SET_SALON, payload)
    assert stale["__typename"] == "VersionConflictError"
    assert stale["currentVersion"] == version + 1


BAD_SALON: dict[str, tuple[dict[str, Any], str]] = {
    "unknown zone": ({"timeZone": "Mars/Olympus"}, "timeZone"),
    "grid not dividing the hour": ({"slotMinutes": 25}, "slotMinutes"),
    "overlapping intervals": (
        {
            "openingHours": [
                {
                    "weekday": "MONDAY",
                    "intervals": [
                        {"start": "09:00", "end": "13:00"},
                        {"start": "12:00", "end": "18:00"},
                    ],
                }
            ]
        },
        "openingHours",
    ),
    "across midnight into Tuesday's": (
        {
            "openingHours": [
                {"weekday": "MONDAY", "intervals": [{"start": "20:00", "end": "02:00"}]},
                {"weekday": "TUESDAY", "intervals": [{"start": "01:00", "end": "05:00"}]},
            ]
        },
        "openingHours",
    ),
    "not a time": (
        {"openingHours": [{"weekday": "MONDAY", "intervals": [{"start": "9", "end": "24:00"}]}]},
        "openingHours",
    ),
    "a weekday twice": ({"openingHours": OPEN + OPEN[:1]}, "openingHours"),
    "blank reason": ({"reason": "  "}, "reason"),
    "reason too long": ({"reason": "r" * 501}, "reason"),
}


@pytest.mark.parametrize(("change", "field"), BAD_SALON.values(), ids=BAD_SALON.keys())
async def test_a_bad_salon_schedule_is_refused_naming_the_field_and_writes_nothing(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    party: Party,
    change: dict[str, Any],
    field: str,
) -> None:
    before = await written(engine)
    payload = {"timeZone": "UTC", "slotMinutes": 15, "openingHours": None, "reason": "x"} | change
    result = await call(api, factory, party.admin, SET_SALON, payload)
    assert (result["__typename"], result["code"], result["field"]) == (
        "ValidationFailedError",
        "VALIDATION_FAILED",
        field,
    )
    assert await written(engine) == before


@pytest.mark.parametrize("who", ["stylist", "customer"])
async def test_only_an_admin_sets_the_salon_schedule(
    api: Api, factory: Factory, engine: AsyncEngine, party: Party, who: str
) -> None:
    before = await written(engine)
    result = await call(api, factory, getattr(party, who), SET_SALON, DEFAULTS)
    assert (result["__typename"], result["code"]) == ("ForbiddenError", "FORBIDDEN")
    assert await written(engine) == before


def _hours(stylist: Any, days: Any, **more: Any) -> dict[str, Any]:
    return {"stylistId": str(stylist.id), "workingHours": days, "reason": "rota"} | more


async def test_working_hours_lie_within_the_opening_hours_unless_an_admin_allows_otherwise(
    api: Api, factory: Factory, engine: AsyncEngine, party: Party
) -> None:
    salon = {"timeZone": "Europe/Berlin", "slotMinutes": 15, "openingHours": OPEN, "reason": "x"}
    assert (await call(api, factory, party.admin, SET_SALON, salon))["__typename"] == (
        "SetSalonScheduleSuccess"
    )
    inside = [
        {
            "weekday": "MONDAY",
            "intervals": [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "19:00"}],
        }
    ]
    outside = [{"weekday": "SUNDAY", "intervals": [{"start": "10:00", "end": "12:00"}]}]
    stylist = party.stylist

    first = await call(
        api, factory, party.admin, SET_HOURS, _hours(stylist, inside, expectedVersion=0)
    )
    assert first == {
        "__typename": "SetWorkingHoursSuccess",
        "schedule": {
            "stylistId": str(stylist.id),
            "version": 1,
            "allowOutsideOpeningHours": False,
            "workingHours": _listed(inside),
        },
    }
    before = await written(engine)
    refused = await call(api, factory, party.admin, SET_HOURS, _hours(stylist, outside))
    assert (refused["__typename"], refused["field"]) == ("ValidationFailedError", "workingHours")
    stale = await call(
        api, factory, party.admin, SET_HOURS, _hours(stylist, inside, expectedVersion=0)
    )
    assert (stale["__typename"], stale["currentVersion"]) == ("VersionConflictError", 1)
    for who in ("stylist", "customer"):
        forbidden = await call(
            api, factory, getattr(party, who), SET_HOURS, _hours(stylist, inside)
        )
        assert forbidden["__typename"] == "ForbiddenError"
    unknown = await call(api, factory, party.admin, SET_HOURS, _hours(party.customer, inside))
    assert (unknown["__typename"], unknown["code"]) == ("NotFoundError", "NOT_FOUND")
    assert await written(engine) == before

    allowed = await call(
        api,
        factory,
        party.admin,
        SET_HOURS,
        _hours(stylist, outside, allowOutsideOpeningHours=True),
    )
    assert allowed["schedule"]["version"] == 2
    assert allowed["schedule"]["allowOutsideOpeningHours"] is True
    cleared = await call(api, factory, party.admin, SET_HOURS, _hours(stylist, None))
    assert cleared["schedule"]["workingHours"] is None
    changes = await rows(
        engine,
        "SELECT kind, stylist_id, before::text, after::text FROM schedule_changes"
        " WHERE stylist_id = $1 ORDER BY id",
        stylist.id,
    )
    assert [change["kind"] for change in changes] == ["WORKING_HOURS_SET"] * 3
    assert changes[0]["before"] == '{"workingHours": null, "allowOutsideOpeningHours": false}'
    assert changes[2]["after"] == '{"workingHours": null, "allowOutsideOpeningHours": false}'
    events = await rows(
        engine,
        "SELECT count(*) AS n FROM booking_events WHERE kind = 'SCHEDULE_CHANGED'"
        " AND stylist_id = $1",
        stylist.id,
    )
    assert events == [{"n": 3}]
