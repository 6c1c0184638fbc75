"""Availability against a real server process (its own clock, the real one; its TZ set to
Pacific/Kiritimati, far from every salon zone here): concurrent clients take the times one
availability answer returned, each won once; a time off added while bookings are being made
in it leaves no accepted booking inside it that addTimeOff did not report; and the daylight
saving changes of Europe/Berlin and America/New_York through the API, at their next dates."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.people import Person
from salonbook.domain.roles import Role
from tests.e2e.availability_calls import AVAILABILITY, CREATE
from tests.support.factory import Factory
from tests.support.processes import ServerProcess, server_environment, servers
from tests.support.schedules import salon_put_back, set_buffer, set_hours, set_salon

SERVER_TZ = "Pacific/Kiritimati"  # UTC+14
ADD_TIME_OFF = """
mutation($input: AddTimeOffInput!) { addTimeOff(input: $input) { __typename
  ... on AddTimeOffSuccess { affectedBookings { id } } ... on Error { code message } } }
"""


@pytest.fixture(scope="module")
async def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    environment = server_environment(database_url=database_url, broadcast_url=None)
    environment["TZ"] = SERVER_TZ
    logs = tmp_path_factory.mktemp("availability-server")
    async with servers(("a",), environment=environment, logs=logs) as (found,):
        yield found


async def gql(
    http: httpx.AsyncClient, factory: Factory, who: Person, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {factory.token(who)}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def free_starts(
    http: httpx.AsyncClient, factory: Factory, who: Person, **variables: Any
) -> list[dict[str, str]]:
    data = await gql(http, factory, who, AVAILABILITY, variables)
    [entry] = data["availability"]
    slots: list[dict[str, str]] = entry["slots"]
    return slots


def day_after_tomorrow() -> datetime:
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=2), datetime.min.time(), UTC)


async def test_clients_racing_for_the_listed_times_each_win_once(
    server: ServerProcess, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    customers = [await factory.person(Role.CUSTOMER) for _ in range(4)]
    service = await factory.service(minutes=10)
    await set_buffer(engine, service.id, 5)  # 15 minutes busy: the listed times do not overlap
    begin = day_after_tomorrow() + timedelta(hours=10)
    window = {
        "service": str(service.id),
        "stylist": str(party.stylist.id),
        "from": begin.isoformat(),
        "to": (begin + timedelta(hours=2)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=30) as http:
        listed = [slot["start"] for slot in await free_starts(http, factory, party.admin, **window)]
        assert listed == [(begin + timedelta(minutes=15 * n)).isoformat() for n in range(8)]

        async def take(customer: Person, start: str) -> tuple[str, str]:
            given = {
                "stylistId": str(party.stylist.id),
                "serviceId": str(service.id),
                "startTime": start,
            }
            data = await gql(http, factory, customer, CREATE, {"input": given})
            return start, data["createBooking"]["__typename"]

        outcomes = await asyncio.gather(
            *(take(customer, start) for start in listed for customer in customers)
        )
        after = await free_starts(http, factory, party.customer, **window)

    won = Counter(start for start, kind in outcomes if kind == "CreateBookingSuccess")
    assert won == Counter(listed)  # each listed time won exactly once
    assert Counter(kind for _, kind in outcomes) == {
        "CreateBookingSuccess": len(listed),
        "SlotUnavailableError": len(listed) * (len(customers) - 1),
    }
    assert after == []


async def test_time_off_added_while_bookings_are_made_in_it(
    server: ServerProcess, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    customers = [await factory.person(Role.CUSTOMER) for _ in range(3)]
    service = await factory.service(minutes=15)
    begin = day_after_tomorrow() + timedelta(hours=9)
    off_start, off_end = begin + timedelta(hours=1), begin + timedelta(hours=3)
    starts = [begin + timedelta(minutes=15 * n) for n in range(16)]  # 09:00-12:45
    async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=30) as http:

        async def take(customer: Person, start: datetime) -> tuple[datetime, str]:
            given = {
                "stylistId": str(party.stylist.id),
                "serviceId": str(service.id),
                "startTime": start.isoformat(),
            }
            data = await gql(http, factory, customer, CREATE, {"input": given})
            result = data["createBooking"]
            return start, result.get("reason") or result["__typename"]

        async def add_time_off() -> dict[str, Any]:
            await asyncio.sleep(0.02)  # amid the bookings
            given = {
                "stylistId": str(party.stylist.id),
                "start": off_start.isoformat(),
                "end": off_end.isoformat(),
                "reason": "training",
            }
            data = await gql(http, factory, party.admin, ADD_TIME_OFF, {"input": given})
            added: dict[str, Any] = data["addTimeOff"]
            return added

        # one booking inside commits first; the rest race the time off; then every time inside
        # is tried again, after it
        first = await take(customers[0], off_start)
        racing = [take(customers[n % 3], start) for n, start in enumerate(starts) if n != 4]
        adding = asyncio.ensure_future(add_time_off())
        outcomes = await asyncio.gather(*racing)
        added = await adding
        later = [await take(customers[2], start) for start in starts[4:12]]

    assert first == (off_start, "CreateBookingSuccess")
    assert added["__typename"] == "AddTimeOffSuccess"
    assert [kind for _, kind in later] == ["TIME_OFF"] * 8
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT id, start_time FROM bookings WHERE stylist_id = :s"),
                {"s": party.stylist.id},
            )
        ).all()
    accepted = {start for start, kind in [first, *outcomes] if kind == "CreateBookingSuccess"}
    assert {row.start_time for row in rows} == accepted
    inside = {str(row.id) for row in rows if off_start <= row.start_time < off_end}
    assert inside == {booking["id"] for booking in added["affectedBookings"]}
    assert off_start in {row.start_time for row in rows if str(row.id) in inside}
    assert all(kind in ("CreateBookingSuccess", "TIME_OFF") for _, kind in outcomes), outcomes
    refused = {start for start, kind in outcomes if kind != "CreateBookingSuccess"}
    assert all(off_start <= start < off_end for start in refused)
    assert {start for start in starts if not off_start <= start < off_end} <= accepted


def next_change(zone: str, *, spring: bool) -> date:
    """The local date of the zone's next change to (spring) or from (autumn) summer time,
    at least two days ahead and within the booking horizon (one is, every year)."""
    tz = ZoneInfo(zone)
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    offset = moment.astimezone(tz).utcoffset()
    while True:
        moment += timedelta(hours=1)
        now_offset = moment.astimezone(tz).utcoffset()
        assert offset is not None and now_offset is not None
        if now_offset != offset and (now_offset > offset) == spring:
            return moment.astimezone(tz).date()
        offset = now_offset


# (zone, spring?, UTC hours of the window around the change on its day, the local times shown)
DST_CASES = [
    ("Europe/Berlin", True, (-1, 3), [
        "00:00:00+01:00", "00:30:00+01:00", "01:00:00+01:00", "01:30:00+01:00",
        "03:00:00+02:00", "03:30:00+02:00", "04:00:00+02:00", "04:30:00+02:00",
    ]),
    ("Europe/Berlin", False, (-1, 3), [
        "01:00:00+02:00", "01:30:00+02:00", "02:00:00+02:00", "02:30:00+02:00",
        "02:00:00+01:00", "02:30:00+01:00", "03:00:00+01:00", "03:30:00+01:00",
    ]),
    ("America/New_York", True, (5, 9), [
        "00:00:00-05:00", "00:30:00-05:00", "01:00:00-05:00", "01:30:00-05:00",
        "03:00:00-04:00", "03:30:00-04:00", "04:00:00-04:00", "04:30:00-04:00",
    ]),
    ("America/New_York", False, (4, 8), [
        "00:00:00-04:00", "00:30:00-04:00", "01:00:00-04:00", "01:30:00-04:00",
        "01:00:00-05:00", "01:30:00-05:00", "02:00:00-05:00", "02:30:00-05:00",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "spring", "hours", "shown"), DST_CASES)
async def test_daylight_saving_changes_through_the_api(
    server: ServerProcess,
    factory: Factory,
    engine: AsyncEngine,
    zone: str,
    spring: bool,
    hours: tuple[int, int],
    shown: list[str],
) -> None:
    party, service = await factory.party(), await factory.service(minutes=30)
    day = next_change(zone, spring=spring)
    midnight = datetime.combine(day, datetime.min.time(), UTC)
    window = {
        "service": str(service.id),
        "stylist": str(party.stylist.id),
        "from": (midnight + timedelta(hours=hours[0])).isoformat(),
        "to": (midnight + timedelta(hours=hours[1])).isoformat(),
    }
    async with salon_put_back(engine):
        await set_salon(engine, time_zone=zone, slot_minutes=30, opening=None)
        async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=30) as http:
            slots = await free_starts(http, factory, party.customer, **window)
    assert [slot["localStart"] for slot in slots] == [f"{day.isoformat()}T{t}" for t in shown]
    assert [slot["localDate"] for slot in slots] == [day.isoformat()] * len(shown)
    starts = [datetime.fromisoformat(slot["start"]) for slot in slots]
    assert starts == [starts[0] + timedelta(minutes=30 * n) for n in range(len(shown))]
    assert [start.astimezone(ZoneInfo(zone)).isoformat() for start in starts] == [
        slot["localStart"] for slot in slots
    ]


async def test_working_hours_across_the_autumn_change_are_elapsed_time(
    server: ServerProcess, factory: Factory, engine: AsyncEngine
) -> None:
    """01:00-04:00 on the night Berlin's clocks go back lasts four hours: four one-hour
    bookings fit, each accepted; one more after them is refused."""
    party, service = await factory.party(), await factory.service(minutes=60)
    day = next_change("Europe/Berlin", spring=False)
    weekday = day.strftime("%A").upper()
    await set_hours(engine, party.stylist.id, {weekday: [["01:00", "04:00"]]})
    midnight = datetime.combine(day, datetime.min.time(), UTC)
    async with salon_put_back(engine):
        await set_salon(engine, time_zone="Europe/Berlin", slot_minutes=60, opening=None)
        async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=30) as http:
            slots = await free_starts(
                http, factory, party.customer, service=str(service.id),
                stylist=str(party.stylist.id), **{"from": (midnight - timedelta(hours=6))
                .isoformat(), "to": (midnight + timedelta(hours=12)).isoformat()},
            )  # fmt: skip
            results = []
            for start in [slot["start"] for slot in slots] + [
                (midnight + timedelta(hours=3)).isoformat()  # 04:00 local, after the shift
            ]:
                given = {
                    "stylistId": str(party.stylist.id),
                    "serviceId": str(service.id),
                    "startTime": start,
                }
                data = await gql(http, factory, party.customer, CREATE, {"input": given})
                results.append(data["createBooking"].get("reason") or "booked")
    assert [slot["localStart"][11:] for slot in slots] == [
        "01:00:00+02:00", "02:00:00+02:00", "02:00:00+01:00", "03:00:00+01:00",
    ]  # fmt: skip
    assert results == ["booked"] * 4 + ["NOT_WORKING"]
