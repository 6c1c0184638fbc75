"""Planned mutations (salonbook/api/planned/mutation.py): for every selection shape a plan
covers, every viewer and every error type of transitionBooking, the planned answer is the
fallback path's (`SALONBOOK_PLANNED_MUTATIONS=off`), to the byte once parsed (keys in the same
order), as for planned reads. A change is taken back
between the two requests (every row it wrote, the audit's sequence too; the footprint shows
it), so both run on the same data at the same clock."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from bench.roundtrips import round_trips
from bench.workload import TRANSITION as BENCH
from salonbook.api.planned import executor, mutation, plan
from salonbook.db.people import Person
from salonbook.domain import bounds
from salonbook.domain.statuses import BookingStatus
from tests.e2e.changes_taken_back import Undo
from tests.e2e.planned_documents import CHANGE, EVERYTHING, ROW
from tests.e2e.transitions.transition_calls import TRANSITION as MATRIX
from tests.support.api import Api
from tests.support.factory import Factory, Party

S = BookingStatus
DASHBOARD = f"""mutation Transition($input: TransitionBookingInput!) {{
  transitionBooking(input: $input) {{
    __typename
    ... on TransitionBookingSuccess {{ booking {{ ...Row }} statusChange {{ ...Change }} }}
    ... on Error {{ code message }}
  }}
}}
{ROW}
{CHANGE}"""
ALL = f"""mutation All($input: TransitionBookingInput!) {{
  it: transitionBooking(input: $input) {{
    ... on TransitionBookingResult {{ kind: __typename }}
    ... on TransitionBookingSuccess {{
      __typename
      b: booking {{ ...Everything }}
      statusChange {{ __typename ...Change again: id }}
      booking {{ id }}
    }}
    ... on Error {{ message code }}
    ... on ValidationFailedError {{ field }}
    ... on VersionConflictError {{ currentVersion code }}
    ... on NotFoundError {{ __typename }}
  }}
}}
{EVERYTHING}
{CHANGE}"""
SHAPES = {"bench": BENCH, "dashboard": DASHBOARD, "matrix": MATRIX, "every field": ALL}
NOT_PLANNED = {
    "a directive": """mutation($input: TransitionBookingInput!, $x: Boolean!) {
      transitionBooking(input: $input) { __typename @include(if: $x) } }""",
    "two root fields": """mutation($input: TransitionBookingInput!) {
      a: transitionBooking(input: $input) { __typename } __typename }""",
}


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the plan rendered a result (and of what type)."""
    counts: Counter[str] = Counter()
    rendered = mutation.rendered

    async def counted(*args: Any) -> dict[str, object]:
        answer = await rendered(*args)
        counts[type(args[1]).__name__] += 1
        return answer

    monkeypatch.setattr(mutation, "rendered", counted)
    return counts


async def _both(
    api: Api,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
    document: str,
    given: dict[str, Any],
    token: str | None,
) -> tuple[str, str]:
    """The planned answer and the fallback's, each on the data as it was before."""
    booking_id = given.get("bookingId")
    undo = Undo(engine, UUID(booking_id) if _is_id(booking_id) else None)
    answers = []
    for planning in (True, False):
        monkeypatch.setattr(executor, "PLANNING_MUTATIONS", planning)
        await undo.mark()
        response = await api.post(document, {"input": given, "x": True}, token=token)
        # to the byte once parsed, keys in order: PostgreSQL's JSON of nested objects (spliced
        # in as it is) has spaces where orjson has none
        answers.append(f"{response.status_code} {json.dumps(response.json())}")
        await undo.undo()
    return answers[0], answers[1]


def _is_id(value: object) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _cases(party: Party, ids: dict[str, UUID]) -> list[tuple[Person, dict[str, Any], str]]:
    """(viewer, input, the outcome expected): a change by every role, every error type."""

    def given(booking: str, action: str, **more: Any) -> dict[str, Any]:
        return {"bookingId": str(ids[booking]), "action": action, **more}

    ill = {"reason": "Ill\ttoday"}
    return [
        (party.stylist, given("soon", "START"), "TransitionBookingSuccess"),
        (party.admin, given("soon", "START"), "TransitionBookingSuccess"),
        (party.customer, given("later", "CANCEL", **ill), "TransitionBookingSuccess"),
        (party.stylist, given("later", "CANCEL", **ill), "TransitionBookingSuccess"),
        (party.admin, given("later", "CANCEL", **ill), "TransitionBookingSuccess"),
        (party.system, given("pending", "CONFIRM"), "TransitionBookingSuccess"),
        (party.system, given("pending", "CANCEL"), "TransitionBookingSuccess"),
        (party.stylist, given("started", "COMPLETE"), "TransitionBookingSuccess"),
        (party.admin, given("no-show", "REVERT_NO_SHOW", **ill), "TransitionBookingSuccess"),
        (party.other_customer, given("later", "CANCEL", **ill), "NotFoundError"),
        (party.admin, {"bookingId": str(uuid4()), "action": "CANCEL"}, "NotFoundError"),
        (party.admin, {"bookingId": "not-an-id", "action": "CANCEL"}, "ValidationFailedError"),
        (
            party.admin,
            given("later", "CANCEL", reason="x" * (bounds.REASON_MAX + 1)),
            "ValidationFailedError",
        ),
        (party.customer, given("later", "COMPLETE"), "ForbiddenError"),
        (party.system, given("later", "CONFIRM"), "InvalidTransitionError"),
        (party.stylist, given("later", "START"), "InvalidTimingError"),
        (party.stylist, given("started", "UNDO_START"), "UndoWindowExpiredError"),
        (party.customer, given("later", "CANCEL"), "ReasonRequiredError"),
        (party.admin, given("later", "CANCEL", expectedVersion=99, **ill), "VersionConflictError"),
        (party.admin, given("taken", "REVERT_NO_SHOW", **ill), "SlotUnavailableError"),
    ]


@pytest.fixture
async def salon(factory: Factory) -> tuple[Party, dict[str, UUID]]:
    party = await factory.party()
    service = await factory.service()
    hour = timedelta(hours=1)

    async def booking(status: BookingStatus, starts_in: timedelta, **more: Any) -> UUID:
        made = await factory.booking(party, status=status, starts_in=starts_in, **more)
        return made.id

    ids = {
        "soon": await booking(S.CONFIRMED, timedelta(minutes=10)),
        "later": await booking(S.CONFIRMED, 48 * hour),
        "pending": await booking(S.PENDING, 72 * hour),
        "started": await booking(S.IN_PROGRESS, -hour, changed_ago=hour),
        "no-show": await booking(S.NO_SHOW, -5 * hour),
        "taken": await booking(S.NO_SHOW, -3 * hour, service=service),
    }
    await factory.booking(party, starts_in=-3 * hour, service=service)  # in the no-show's slot
    return party, ids


@pytest.mark.parametrize("shape", SHAPES)
async def test_the_planned_answer_is_the_fallback_answer(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    salon: tuple[Party, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
    renders: Counter[str],
    shape: str,
) -> None:
    party, ids = salon
    expected: Counter[str] = Counter()
    for viewer, given, outcome in _cases(party, ids):
        token = factory.token(viewer)
        planned, fallback = await _both(api, engine, monkeypatch, SHAPES[shape], given, token)
        assert planned == fallback, (viewer.role, given)
        assert f'"{outcome}"' in planned, (viewer.role, given)
        expected[outcome] += 1
    # every answer was the plan's: a success or an error type, each rendered once
    assert renders == expected


async def test_a_replayed_key_a_key_reused_and_a_concurrent_change(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    salon: tuple[Party, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
    renders: Counter[str],
) -> None:
    party, ids = salon
    token = factory.token(party.admin)
    keyed = {
        "bookingId": str(ids["later"]),
        "action": "CANCEL",
        "reason": "a",
        "idempotencyKey": "k",
    }
    first = await api.post(DASHBOARD, {"input": keyed}, token=token)
    assert '"TransitionBookingSuccess"' in first.text
    for shape in SHAPES.values():  # the replay reads the booking and its change afresh
        planned, fallback = await _both(api, engine, monkeypatch, shape, keyed, token)
        assert planned == fallback and '"TransitionBookingSuccess"' in planned
    reused = {**keyed, "reason": "b"}
    planned, fallback = await _both(api, engine, monkeypatch, DASHBOARD, reused, token)
    assert planned == fallback and '"IdempotencyConflictError"' in planned
    held = {"bookingId": str(ids["soon"]), "action": "START"}
    async with _locked(engine, ids["soon"]):
        planned, fallback = await _both(api, engine, monkeypatch, ALL, held, token)
    assert planned == fallback and '"ConcurrentUpdateError"' in planned
    assert renders == {
        "TransitionBookingSuccess": 1 + 4,  # the first request, then each shape's replay
        "IdempotencyConflictError": 1,
        "ConcurrentUpdateError": 1,
    }


@asynccontextmanager
async def _locked(engine: AsyncEngine, booking_id: UUID) -> AsyncIterator[None]:
    async with engine.begin() as connection:
        statement = text("SELECT 1 FROM bookings WHERE id = :id FOR UPDATE")
        await connection.execute(statement, {"id": booking_id})
        yield


async def test_without_a_caller_and_what_a_plan_does_not_cover(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    salon: tuple[Party, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
    renders: Counter[str],
) -> None:
    party, ids = salon
    given = {"bookingId": str(ids["later"]), "action": "CANCEL", "reason": "a"}
    planned, fallback = await _both(api, engine, monkeypatch, DASHBOARD, given, None)
    assert planned == fallback and "UNAUTHENTICATED" in planned
    token = factory.token(party.admin)
    for document in NOT_PLANNED.values():
        planned, fallback = await _both(api, engine, monkeypatch, document, given, token)
        assert planned == fallback and '"TransitionBookingSuccess"' in planned
    assert renders == {}


async def test_what_the_plan_cannot_render_graphql_core_completes(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    salon: tuple[Party, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
    renders: Counter[str],
) -> None:
    """The booking gone between the change and the statement of its nested objects: the same
    result, completed by graphql-core (the change is made once)."""
    party, ids = salon

    async def gone(*_: Any) -> list[Any]:
        return []

    monkeypatch.setattr(plan, "records", gone)
    given = {"bookingId": str(ids["later"]), "action": "CANCEL", "reason": "a"}
    token = factory.token(party.admin)
    planned, fallback = await _both(api, engine, monkeypatch, DASHBOARD, given, token)
    assert planned == fallback and '"TransitionBookingSuccess"' in planned
    planned, fallback = await _both(api, engine, monkeypatch, BENCH, given, token)
    assert planned == fallback and '"TransitionBookingSuccess"' in planned
    assert renders == {"TransitionBookingSuccess": 1}  # the bench's: no nested object


async def test_the_dashboards_change_reads_what_it_nests_in_one_statement(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    app: Starlette,
    salon: tuple[Party, dict[str, UUID]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    party, ids = salon
    token = factory.token(party.admin)
    given = {"bookingId": str(ids["later"]), "action": "CANCEL", "reason": "a"}
    undo = Undo(engine, ids["later"])
    counts = {}
    for planning in (True, True, False, False):  # the first of each: statements prepared
        monkeypatch.setattr(executor, "PLANNING_MUTATIONS", planning)
        await undo.mark()
        with round_trips(app.state.runtime.deps.engine) as sent:
            response = await api.post(DASHBOARD, {"input": given}, token=token)
        assert '"TransitionBookingSuccess"' in response.text
        await undo.undo()
        counts[planning] = sum(n for kind, n in sent.items() if kind != "prepare")
    # the booking read and changed (the caller's stored role is cached), then: its customer,
    # stylist and service in one statement; on the fallback path, people and services apart
    assert counts == {True: 3, False: 4}
