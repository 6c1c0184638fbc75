"""Planned reads (salonbook/api/planned): for every document a plan covers and every viewer,
the planned answer is the fallback path's, to the byte once parsed (keys in the same order);
the plan reads a page in one statement; what it does not cover runs as before."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from bench.dashboard import WEEK
from bench.roundtrips import round_trips
from salonbook.api.planned import executor, plan
from salonbook.db import people
from salonbook.db.bookings import Booking
from salonbook.db.engine import unit_of_work
from salonbook.db.people import Person
from salonbook.domain.statuses import BookingStatus
from tests.e2e import reschedule_calls, stylist_note_calls
from tests.e2e.planned_documents import DETAIL, NOT_PLANNED, ONE, PLANNED
from tests.support.api import Api
from tests.support.factory import Factory, Party

S = BookingStatus
ERASE = """mutation($input: ErasePersonInput!) { erasePerson(input: $input) { __typename } }"""
CANCEL = """mutation($input: TransitionBookingInput!) {
  transitionBooking(input: $input) { __typename } }"""


@dataclass(frozen=True)
class Salon:
    party: Party
    bookings: list[Booking]
    viewers: dict[str, Person]


async def _contact(factory: Factory, person: Person, email: str, phone: str) -> None:
    async with unit_of_work(factory.engine) as connection:
        await people.upsert(
            connection, person_id=person.id, role=person.role, display_name=person.display_name,
            email=email, phone=phone, now=factory.clock.now(),
        )  # fmt: skip


@pytest.fixture
async def salon(api: Api, factory: Factory) -> Salon:
    """Bookings with history, notes, a move, a cancellation with its reason and client details,
    an erased customer, and a colleague's booking; every person with contact details."""
    factory.clock.set(datetime(2031, 3, 12, 9, 30, 0, 123456, tzinfo=UTC))
    party = await factory.party()
    for n, person in enumerate([party.customer, party.stylist, party.other_customer]):
        await _contact(factory, person, f"p{n}@example.org", f"+3312345678{n}")
    theirs = replace(party, customer=party.other_customer)
    day = timedelta(days=1)
    made = [
        await factory.booking(party, status=S.CONFIRMED, starts_in=2 * day),
        await factory.booking(party, status=S.COMPLETED, starts_in=-2 * day),
        await factory.booking(party, status=S.CANCELLED, starts_in=3 * day),
        await factory.booking(party, status=S.IN_PROGRESS, starts_in=timedelta(minutes=-20)),
        await factory.booking(theirs, status=S.CONFIRMED, starts_in=4 * day),
        await factory.booking(party, starts_in=5 * day),
        await factory.booking(replace(party, stylist=party.other_stylist), starts_in=6 * day),
    ]
    admin, stylist = party.admin, party.stylist
    await stylist_note_calls.add(api, factory, stylist, made[0], "**Bold** and *soft*\n\n- a\n- b")
    await stylist_note_calls.add(api, factory, admin, made[0], 'Quote " and <b>tag</b> \\ é')
    await stylist_note_calls.add(api, factory, stylist, made[4], "About the other customer")
    await reschedule_calls.move(api, factory, admin, made[0], "2031-03-20T10:00:00+00:00")
    cancel = {"bookingId": str(made[5].id), "action": "CANCEL", "reason": "Ill\ttoday"}
    answer = await api.gql(CANCEL, {"input": cancel}, token=factory.token(party.customer))
    assert answer["data"]["transitionBooking"]["__typename"] == "TransitionBookingSuccess"
    erase = {"personId": str(party.other_customer.id), "reason": "asked to"}
    answer = await api.gql(ERASE, {"input": erase}, token=factory.token(admin))
    assert answer["data"]["erasePerson"]["__typename"] == "ErasePersonSuccess"
    viewers = {
        "admin": admin,
        "stylist": stylist,
        "other stylist": party.other_stylist,
        "customer": party.customer,
        "other customer": party.other_customer,
        "system": party.system,
    }
    return Salon(party, made, viewers)


def _requests(salon: Salon, name: str, document: str) -> Iterator[dict[str, Any]]:
    stylist = str(salon.party.stylist.id)
    if document == WEEK:
        yield {"stylistId": stylist, "from": "2031-03-01T00:00:00Z", "to": "2031-04-01T00:00:00"}
    elif document in (DETAIL, ONE):
        for booking in salon.bookings:
            yield {"id": str(booking.id)}
        yield {"id": "not-an-id"}
    elif "$f" in document:
        for f in ({}, {"stylistId": stylist, "statuses": ["CONFIRMED", "CANCELLED"]}):
            yield {"f": f, "size": 2}
            yield {"f": f, "size": 51}
            yield {"f": f, "size": 2, "after": "MjAzMS0wMy0xMlQwOTozMDowMCswMDowMHw"}
    else:
        yield {"filter": {"stylistId": stylist}}
        yield {"filter": {"customerId": str(salon.party.customer.id)}, "after": None}


async def _both(
    api: Api, monkeypatch: pytest.MonkeyPatch, document: str, variables: Any, token: str
) -> tuple[str, str]:
    answers = []
    for planning in (True, False):
        monkeypatch.setattr(executor, "PLANNING", planning)
        response = await api.post(document, variables, token=token)
        body = response.json()
        # root fields run concurrently on the fallback path: their errors come in either order
        body["errors"] = sorted(body.get("errors", []), key=json.dumps)
        _set_aside_events_cursor(body)
        answers.append(f"{response.status_code} {json.dumps(body)}")
    return answers[0], answers[1]


def _set_aside_events_cursor(body: dict[str, Any]) -> None:
    """A page's eventsCursor is taken from the database's current snapshot, which any other
    transaction on the server (another test's, a background task's) moves between the two
    requests compared: each answer must carry one; its value is tested in
    tests/e2e/subscriptions/test_page_cursor.py."""
    page = (body.get("data") or {}).get("bookings")
    if isinstance(page, dict) and "eventsCursor" in page:
        cursor = page["eventsCursor"]
        assert isinstance(cursor, str) and cursor, body
        page["eventsCursor"] = "<a cursor>"


@pytest.mark.parametrize("name", PLANNED)
async def test_the_planned_answer_is_the_fallback_answer_for_every_viewer(
    api: Api, factory: Factory, salon: Salon, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    document = PLANNED[name]
    runs = _Runs(monkeypatch)
    for variables in _requests(salon, name, document):
        for viewer, person in salon.viewers.items():
            answered = runs.counts["answered"]
            planned, fallback = await _both(
                api, monkeypatch, document, variables, factory.token(person)
            )
            assert planned == fallback, (viewer, variables)
            # the plan answered, unless the answer is an error (the resolvers' to give)
            assert runs.counts["answered"] == answered + ('"errors": []' in planned), viewer
    assert runs.counts["answered"] >= 6


class _Runs:
    """Wraps the plan's run: how often it answered, how often it left the answer to the
    fallback path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        run = plan.run

        async def counted(*args: Any) -> Any:
            try:
                data = await run(*args)
            except Exception:
                self.counts["fell back"] += 1
                raise
            self.counts["answered"] += 1
            return data

        monkeypatch.setattr(plan, "run", counted)


async def test_a_page_of_the_week_query_is_one_statement(
    api: Api, factory: Factory, salon: Salon, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: AsyncEngine = app.state.runtime.deps.engine
    token = factory.token(salon.party.stylist)
    week = next(_requests(salon, "week", WEEK))
    runs = _Runs(monkeypatch)
    counts = {}
    for planning in (True, False):
        monkeypatch.setattr(executor, "PLANNING", planning)
        await api.post(WEEK, week, token=token)  # statements prepared, the caller known
        with round_trips(engine) as sent:
            response = await api.post(WEEK, week, token=token)
        assert len(response.json()["data"]["bookings"]["edges"]) == 6
        # a statement is prepared once per pooled connection: executions are what count
        counts[planning] = sum(n for kind, n in sent.items() if kind != "prepare")
    # the page with everything in it (the caller's stored role is in the role cache since the
    # first request); the fallback path: the page, then people, services and history, one
    # statement each
    assert counts == {True: 1, False: 4}
    assert runs.counts == {"answered": 2}


@pytest.mark.parametrize("name", NOT_PLANNED)
async def test_what_a_plan_does_not_cover_runs_as_before(
    api: Api, factory: Factory, salon: Salon, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    runs = _Runs(monkeypatch)
    token = factory.token(salon.party.admin)
    planned, fallback = await _both(api, monkeypatch, NOT_PLANNED[name], {"x": True}, token)
    assert planned == fallback
    assert '"data": null' not in planned or "errors" in planned
    assert runs.counts == {}


async def test_what_the_plan_cannot_answer_is_answered_by_the_fallback_path(
    api: Api, factory: Factory, salon: Salon, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _Runs(monkeypatch)
    colleague = factory.token(salon.party.other_stylist)
    token = factory.token(salon.party.stylist)
    theirs = {"id": str(salon.bookings[0].id)}
    assert "NOT_FOUND" in (await _both(api, monkeypatch, DETAIL, theirs, colleague))[0]
    assert "NOT_FOUND" in (await _both(api, monkeypatch, DETAIL, {"id": "x"}, token))[0]
    too_many = PLANNED["aliases, fragments, every field"]
    planned, fallback = await _both(api, monkeypatch, too_many, {"size": 51}, token)
    assert planned == fallback and "VALIDATION_FAILED" in planned
    answered = await _both(api, monkeypatch, DETAIL, theirs, token)
    assert answered[0] == answered[1] and '"status": "CONFIRMED"' in answered[0]
    assert runs.counts == {"fell back": 3, "answered": 1}
