"""availability over HTTP: the defaults (every grid time), working hours, time off, closures,
bookings with their buffers, the salon's zone, the order of stylists, and the bad inputs.
The session clock stands at Monday 2031-03-10 12:00 UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.api.planned import executor, plan
from salonbook.domain.roles import Role
from tests.e2e.availability_calls import availability, error_codes, starts_of
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.schedules import (
    add_closure,
    add_time_off,
    salon_put_back,
    set_buffer,
    set_hours,
    set_salon,
)

TUESDAY = datetime(2031, 3, 11, tzinfo=UTC)


def at(hours: float, day: datetime = TUESDAY) -> datetime:
    return day + timedelta(hours=hours)


def iso(*hours: float) -> list[str]:
    return [at(hour).isoformat() for hour in hours]


async def test_nothing_set_means_every_grid_time_for_any_signed_in_viewer(
    api: Api, factory: Factory
) -> None:
    party, service = await factory.party(), await factory.service(minutes=60)
    for viewer in (party.customer, party.other_stylist, party.admin):
        found = await starts_of(
            api, factory, viewer, service=str(service.id), stylist=str(party.stylist.id),
            start=at(9), end=at(11),
        )  # fmt: skip
        assert found == iso(9, 9.25, 9.5, 9.75, 10, 10.25, 10.5, 10.75)


async def test_hours_time_off_and_a_booking_with_its_buffer(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    held = await factory.service(minutes=30)
    await set_buffer(engine, held.id, 15)
    await factory.booking(party, service=held, starts_in=at(11) - factory.clock.now())
    await set_hours(engine, party.stylist.id, {"TUESDAY": [["08:00", "13:00"]]})
    await add_time_off(engine, party.stylist.id, at(9), at(9.5), by=party.admin.id)
    wanted = await factory.service(minutes=30)

    found = await starts_of(
        api, factory, party.customer, service=str(wanted.id), stylist=str(party.stylist.id),
        start=TUESDAY, end=TUESDAY + timedelta(days=1),
    )  # fmt: skip

    assert found == iso(8, 8.25, 8.5, 9.5, 9.75, 10, 10.25, 10.5, 11.75, 12, 12.25, 12.5)


async def test_the_service_buffer_must_fit_before_the_shift_ends(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await factory.party(), await factory.service(minutes=60)
    await set_buffer(engine, service.id, 30)
    await set_hours(engine, party.stylist.id, {"TUESDAY": [["09:00", "11:00"]]})
    found = await starts_of(
        api, factory, party.customer, service=str(service.id), stylist=str(party.stylist.id),
        start=TUESDAY, end=TUESDAY + timedelta(days=1),
    )  # fmt: skip
    assert found == iso(9, 9.25, 9.5)


async def test_a_past_from_counts_from_now(api: Api, factory: Factory) -> None:
    party, service = await factory.party(), await factory.service(minutes=30)
    now = factory.clock.now()
    found = await starts_of(
        api, factory, party.customer, service=str(service.id), stylist=str(party.stylist.id),
        start=now - timedelta(days=20), end=now + timedelta(hours=1),
    )  # fmt: skip
    assert found == [(now + timedelta(minutes=m)).isoformat() for m in (15, 30, 45)]


async def test_without_a_stylist_every_stylist_as_stylists_orders_them(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await factory.party(), await factory.service(minutes=60)
    # Names that sort first: the shared database holds more stylists than are listed (at most
    # STYLISTS_LIMIT, by name), and these two must be among them.
    names = {party.stylist.id: "Aaaa Availability 1", party.other_stylist.id: "Aaaa Availability 2"}
    async with engine.begin() as connection:
        for person_id, name in names.items():
            await connection.execute(
                text("UPDATE people SET display_name = :name WHERE id = :id"),
                {"name": name, "id": person_id},
            )
    await set_hours(engine, party.other_stylist.id, {})  # hours set, none on any day
    body = await availability(
        api, factory, party.customer, service=str(service.id), start=at(9), end=at(10)
    )
    listed = await api.gql("{ stylists { id displayName } }", token=factory.token(party.customer))

    entries = body["data"]["availability"]
    assert [entry["stylistId"] for entry in entries] == [
        stylist["id"] for stylist in listed["data"]["stylists"]
    ]
    by_id = {entry["stylistId"]: entry for entry in entries}
    assert by_id[str(party.stylist.id)]["stylist"] == {
        "id": str(party.stylist.id),
        "displayName": names[party.stylist.id],
    }
    assert [slot["start"] for slot in by_id[str(party.stylist.id)]["slots"]] == iso(
        9, 9.25, 9.5, 9.75
    )
    assert by_id[str(party.other_stylist.id)]["slots"] == []


async def test_the_salon_zone_opening_hours_and_closures(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party, service = await factory.party(), await factory.service(minutes=60)
    async with salon_put_back(engine):
        await set_salon(
            engine, time_zone="Asia/Kolkata", slot_minutes=60,
            opening={"TUESDAY": [["09:00", "13:00"]]},
        )  # fmt: skip
        # 12:00-13:00 in Kolkata is 06:30-07:30 UTC
        await add_closure(engine, at(6.5), at(7.5), by=party.admin.id)
        body = await availability(
            api, factory, party.customer, service=str(service.id),
            stylist=str(party.stylist.id), start=TUESDAY, end=TUESDAY + timedelta(days=1),
        )  # fmt: skip
    [entry] = body["data"]["availability"]
    assert entry["slots"] == [
        {"start": at(h).isoformat(), "localDate": "2031-03-11", "localStart": local}
        for h, local in (
            (3.5, "2031-03-11T09:00:00+05:30"),
            (4.5, "2031-03-11T10:00:00+05:30"),
            (5.5, "2031-03-11T11:00:00+05:30"),
        )
    ]


@pytest.mark.parametrize(
    ("window", "code"),
    [
        ((at(10), at(10)), "VALIDATION_FAILED"),  # from = to
        ((at(10), at(9)), "VALIDATION_FAILED"),  # to before from
        ((at(0), at(0) + timedelta(days=14, minutes=1)), "VALIDATION_FAILED"),
    ],
)
async def test_bad_windows_are_refused(
    api: Api, factory: Factory, window: tuple[datetime, datetime], code: str
) -> None:
    party, service = await factory.party(), await factory.service()
    body = await availability(
        api, factory, party.customer, service=str(service.id), start=window[0], end=window[1]
    )
    assert error_codes(body) == [code]
    assert body["data"] is None


async def test_fourteen_days_is_the_limit(api: Api, factory: Factory) -> None:
    party, service = await factory.party(), await factory.service()
    body = await availability(
        api, factory, party.customer, service=str(service.id), stylist=str(party.stylist.id),
        start=at(0), end=at(0) + timedelta(days=14),
    )  # fmt: skip
    [entry] = body["data"]["availability"]
    assert len(entry["slots"]) == 14 * 24 * 4


async def test_unknown_or_inactive_service_unknown_stylist_and_no_sign_in(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    service, inactive = await factory.service(), await factory.service(active=False)
    customer = await factory.person(Role.CUSTOMER)
    cases = {
        "unknown service": (str(party.stylist.id), "6f1c3c59-0000-4000-8000-000000000000"),
        "not an id": (str(party.stylist.id), "nope"),
        "unknown stylist": ("6f1c3c59-0000-4000-8000-000000000000", str(service.id)),
        "a customer as stylist": (str(customer.id), str(service.id)),
    }
    for stylist, service_id in cases.values():
        body = await availability(
            api, factory, party.customer, service=service_id, stylist=stylist,
            start=at(9), end=at(10),
        )  # fmt: skip
        assert error_codes(body) == ["NOT_FOUND"], body
    body = await availability(
        api, factory, party.customer, service=str(inactive.id), start=at(9), end=at(10)
    )
    assert error_codes(body) == ["VALIDATION_FAILED"]
    anonymous = await api.gql(
        'query($s: ID!) { availability(serviceId: $s, from: "2031-03-11T09:00:00Z",'
        ' to: "2031-03-11T10:00:00Z") { stylistId } }',
        {"s": str(service.id)},
    )
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


async def test_the_planned_answer_is_the_resolvers(
    api: Api, factory: Factory, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan answers availability (api/planned) without graphql-core's field-by-field
    execution; its answer is the resolvers', byte for byte, and so are its refusals."""
    party, service = await factory.party(), await factory.service(minutes=45)
    await set_hours(engine, party.stylist.id, {"TUESDAY": [["09:00", "12:00"]]})
    document = """query($s: ID!, $f: DateTime!, $t: DateTime!, $st: ID) {
      __typename
      a: availability(serviceId: $s, from: $f, to: $t, stylistId: $st) {
        __typename stylistId slots { __typename start localDate localStart } }
      b: availability(serviceId: $s, from: $f, to: $t) { stylistId n: slots { start } } }"""
    answered: list[bool] = []
    run = plan.run

    async def counted(*args: Any) -> Any:
        try:
            data = await run(*args)
        except Exception:
            answered.append(False)
            raise
        answered.append(True)
        return data

    monkeypatch.setattr(plan, "run", counted)
    token = factory.token(party.customer)
    texts = []
    for variables, planned_answers in (
        ({"s": str(service.id), "f": at(0).isoformat(), "t": at(24).isoformat(),
          "st": str(party.stylist.id)}, [True]),
        ({"s": str(service.id), "f": at(9).isoformat(), "t": at(8).isoformat()}, [False]),
        ({"s": str(service.id), "f": at(0).isoformat(), "t": at(1).isoformat(), "st": "x"},
         [False]),
    ):  # fmt: skip
        answers = []
        answered.clear()
        for planning in (True, False):
            monkeypatch.setattr(executor, "PLANNING", planning)
            response = await api.post(document, variables, token=token)
            answers.append(response.text)
        assert answers[0] == answers[1]
        assert answered == planned_answers
        texts.append(answers[0])
    first = json.loads(texts[0])["data"]
    assert [slot["start"] for slot in first["a"][0]["slots"]] == iso(
        *(9 + n / 4 for n in range(10))
    )
    assert [json.loads(text)["errors"][0]["extensions"]["code"] for text in texts[1:]] == [
        "VALIDATION_FAILED",
        "NOT_FOUND",
    ]
