"""Concurrent requests over HTTP: row locks, the overlap exclusion, expectedVersion and
idempotency keys keep the history one unbroken, legal chain."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from itertools import pairwise
from typing import Any
from uuid import UUID

import pytest

from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.together import together

CHANGE = "id fromStatus toStatus action actorId"
TRANSITION = f"""
mutation($input: TransitionBookingInput!) {{
  transitionBooking(input: $input) {{
    __typename
    ... on TransitionBookingSuccess {{
      booking {{ id status version }}
      statusChange {{ {CHANGE} }}
    }}
    ... on VersionConflictError {{ currentVersion }}
    ... on Error {{ code message }}
  }}
}}
"""
CREATE = """
mutation($input: CreateBookingInput!) {
  createBooking(input: $input) {
    __typename
    ... on CreateBookingSuccess { booking { id status version customer { id } } }
    ... on Error { code message }
  }
}
"""
BOOKING = (
    f"query($id: ID!) {{ booking(id: $id) {{ status version statusHistory {{ {CHANGE} }} }} }}"
)
STYLIST_BOOKINGS = """
query($stylistId: ID!) {
  bookings(filter: {stylistId: $stylistId, statuses: [PENDING, CONFIRMED, IN_PROGRESS, COMPLETED]})
  { edges { node { id status version customer { id } } } }
}
"""

# The rows of the transition table (docs/rules.md) this file's calls can take: (from, action) -> to.
LEGAL = {
    ("CONFIRMED", "START"): "IN_PROGRESS",
    ("CONFIRMED", "COMPLETE"): "COMPLETED",
    ("CONFIRMED", "CANCEL"): "CANCELLED",
    ("CONFIRMED", "MARK_NO_SHOW"): "NO_SHOW",
    ("IN_PROGRESS", "COMPLETE"): "COMPLETED",
    ("IN_PROGRESS", "CANCEL"): "CANCELLED",
}
REASONS = {"CANCEL": "emergency", "MARK_NO_SHOW": "did not come"}
SUCCESS = "TransitionBookingSuccess"
# Starting the calls a few milliseconds apart spreads them over the first one's transaction,
# where a replay can fall between reading its key and locking the row.
STAGGERS = [pytest.param(ms / 1000, id=f"{ms}ms") for ms in (0, 1, 2, 3, 5, 7, 10)]


async def data(api: Api, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    body = await api.gql(query, variables, token=token)
    assert "errors" not in body, body  # e.g. a pool timeout surfacing as SERVICE_UNAVAILABLE
    result: dict[str, Any] = body["data"]
    return result


async def transition(
    api: Api, token: str, booking_id: UUID, action: str, **extra: Any
) -> dict[str, Any]:
    given = {"bookingId": str(booking_id), "action": action, **extra}
    if action in REASONS:
        given.setdefault("reason", REASONS[action])
    result: dict[str, Any] = (await data(api, TRANSITION, {"input": given}, token))[
        "transitionBooking"
    ]
    return result


async def booking_now(api: Api, factory: Factory, party: Party, booking_id: UUID) -> Any:
    found = await data(api, BOOKING, {"id": str(booking_id)}, factory.token(party.admin))
    return found["booking"]


def outcome(result: dict[str, Any]) -> str:
    """The success type's name, or the error code."""
    return str(result["code"] if "code" in result else result["__typename"])


async def test_concurrent_actions_leave_one_legal_unbroken_chain(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    # ten minutes after the start every action below is legal on CONFIRMED
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=-10)
    )
    stylist, admin = party.stylist, party.admin
    mix = [(stylist, "START"), (admin, "COMPLETE"), (admin, "CANCEL"), (stylist, "MARK_NO_SHOW")]
    mix += [(admin, "START"), (stylist, "COMPLETE"), (admin, "CANCEL"), (admin, "MARK_NO_SHOW")]
    calls = [mix[i % len(mix)] for i in range(20)]
    results = await together(
        [transition(api, factory.token(who), booking.id, action) for who, action in calls],
        stagger=0.002,
    )

    outcomes = {outcome(r) for r in results}
    assert outcomes <= {SUCCESS, "CONCURRENT_UPDATE", "INVALID_TRANSITION"}, results
    after = await booking_now(api, factory, party, booking.id)
    history = after["statusHistory"]
    arranged, *changes = history
    assert (arranged["fromStatus"], arranged["toStatus"]) == ("PENDING", "CONFIRMED")
    assert changes, "the first to lock always finds CONFIRMED and succeeds"
    assert changes[0]["fromStatus"] == "CONFIRMED"
    assert all(row["fromStatus"] == prev["toStatus"] for prev, row in pairwise(history))
    assert history[-1]["toStatus"] == after["status"]
    assert all(LEGAL[(c["fromStatus"], c["action"])] == c["toStatus"] for c in changes)
    assert after["version"] == 1 + len(history)

    made = {
        r["statusChange"]["id"]: (str(who.id), action, r)
        for (who, action), r in zip(calls, results, strict=True)
        if r["__typename"] == SUCCESS
    }
    assert sorted(made, key=int) == [c["id"] for c in changes]
    for change in changes:
        actor_id, action, result = made[change["id"]]
        assert result["statusChange"] == change
        assert (change["actorId"], change["action"]) == (actor_id, action)


async def test_concurrent_bookings_of_one_slot_leave_exactly_one(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=120)  # longer than the 20 starts span: all overlap
    customers = [await factory.person(Role.CUSTOMER) for _ in range(20)]
    start = factory.clock.now() + timedelta(days=3)

    async def book(index: int) -> dict[str, Any]:
        given = {
            "stylistId": str(party.stylist.id),
            "serviceId": str(service.id),
            "startTime": (start + timedelta(minutes=5 * index)).isoformat(),  # on the grid
        }
        token = factory.token(customers[index])
        result: dict[str, Any] = (await data(api, CREATE, {"input": given}, token))["createBooking"]
        return result

    results = await asyncio.gather(*(book(i) for i in range(20)))

    outcomes = sorted(outcome(r) for r in results)
    assert outcomes == ["CreateBookingSuccess"] + ["SLOT_UNAVAILABLE"] * 19, results
    (won,) = [r["booking"] for r in results if r["__typename"] == "CreateBookingSuccess"]
    assert (won["status"], won["version"]) == ("PENDING", 1)
    live = await data(
        api, STYLIST_BOOKINGS, {"stylistId": str(party.stylist.id)}, factory.token(party.admin)
    )
    assert [edge["node"] for edge in live["bookings"]["edges"]] == [won]


async def test_stale_expected_versions_get_the_current_version(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=10)
    )
    stylist = factory.token(party.stylist)

    first = await asyncio.gather(
        *(transition(api, stylist, booking.id, "START", expectedVersion=2) for _ in range(10))
    )
    assert {outcome(r) for r in first} <= {SUCCESS, "CONCURRENT_UPDATE", "VERSION_CONFLICT"}, first
    (won,) = [r for r in first if r["__typename"] == SUCCESS]
    assert won["booking"]["version"] == 3
    assert [r["currentVersion"] for r in first if outcome(r) == "VERSION_CONFLICT"] == [3] * sum(
        outcome(r) == "VERSION_CONFLICT" for r in first
    )

    stale = await asyncio.gather(
        *(
            transition(api, stylist, booking.id, "COMPLETE", expectedVersion=version)
            for version in [1, 2, 4, 2, 1, 2, 4, 2, 1, 2]
        )
    )
    assert {outcome(r) for r in stale} <= {"CONCURRENT_UPDATE", "VERSION_CONFLICT"}, stale
    conflicts = [r["currentVersion"] for r in stale if outcome(r) == "VERSION_CONFLICT"]
    assert conflicts, "the first to lock is not waiting on anyone"
    assert conflicts == [3] * len(conflicts)

    retried = await transition(api, stylist, booking.id, "COMPLETE", expectedVersion=2)
    assert (outcome(retried), retried["currentVersion"]) == ("VERSION_CONFLICT", 3)
    done = await transition(api, stylist, booking.id, "COMPLETE", expectedVersion=3)
    assert (done["booking"]["status"], done["booking"]["version"]) == ("COMPLETED", 4)
    after = await booking_now(api, factory, party, booking.id)
    assert [c["action"] for c in after["statusHistory"]] == ["CONFIRM", "START", "COMPLETE"]


@pytest.mark.parametrize("stagger", STAGGERS)
async def test_one_idempotency_key_changes_a_booking_once(
    api: Api, factory: Factory, stagger: float
) -> None:
    party = await factory.party()
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=timedelta(minutes=10)
    )
    stylist, key = factory.token(party.stylist), f"start-{uuid.uuid4()}"

    results = await together(
        [transition(api, stylist, booking.id, "START", idempotencyKey=key) for _ in range(10)],
        stagger=stagger,
    )
    assert {outcome(r) for r in results} <= {SUCCESS, "CONCURRENT_UPDATE"}, results
    change_ids = {r["statusChange"]["id"] for r in results if r["__typename"] == SUCCESS}
    history = (await booking_now(api, factory, party, booking.id))["statusHistory"]
    assert [c["action"] for c in history] == ["CONFIRM", "START"]
    assert change_ids == {history[1]["id"]}

    replay = await transition(api, stylist, booking.id, "START", idempotencyKey=key)
    assert replay["statusChange"]["id"] == history[1]["id"]
    changed = await transition(api, stylist, booking.id, "COMPLETE", idempotencyKey=key)
    assert outcome(changed) == "IDEMPOTENCY_CONFLICT"
    by_admin = await transition(
        api, factory.token(party.admin), booking.id, "COMPLETE", idempotencyKey=key
    )
    assert outcome(by_admin) == SUCCESS
    after = await booking_now(api, factory, party, booking.id)
    assert [c["action"] for c in after["statusHistory"]] == ["CONFIRM", "START", "COMPLETE"]
    assert (after["status"], after["version"]) == ("COMPLETED", 4)


@pytest.mark.parametrize("stagger", STAGGERS)
async def test_one_idempotency_key_creates_one_booking(
    api: Api, factory: Factory, stagger: float
) -> None:
    party = await factory.party()
    service = await factory.service(minutes=45)
    given = {
        "stylistId": str(party.stylist.id),
        "serviceId": str(service.id),
        "startTime": (factory.clock.now() + timedelta(days=4)).isoformat(),
        "idempotencyKey": f"book-{uuid.uuid4()}",
    }
    customer = factory.token(party.customer)

    async def book() -> dict[str, Any]:
        result: dict[str, Any] = (await data(api, CREATE, {"input": given}, customer))[
            "createBooking"
        ]
        return result

    results = await together([book() for _ in range(10)], stagger=stagger)
    assert {outcome(r) for r in results} <= {"CreateBookingSuccess", "CONCURRENT_UPDATE"}, results
    made = {r["booking"]["id"] for r in results if r["__typename"] == "CreateBookingSuccess"}
    live = await data(
        api, STYLIST_BOOKINGS, {"stylistId": str(party.stylist.id)}, factory.token(party.admin)
    )
    (only,) = [edge["node"]["id"] for edge in live["bookings"]["edges"]]
    assert made == {only}
    replay = await book()
    assert replay["booking"]["id"] == only
