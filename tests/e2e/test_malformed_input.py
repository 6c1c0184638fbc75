"""Malformed input, through the API: a malformed id or a control character is VALIDATION_FAILED
naming the field, and changes nothing in the database; a malformed or over-long query argument
is a top-level validation error."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain import bounds
from tests.e2e.bounded_mutations import DELETE, ERASE, PERSON, TRANSITION
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.footprint import footprint

REFUSED_IDS = [
    (TRANSITION, {"bookingId": "b" * 10_000, "action": "CANCEL", "reason": "x"}, "bookingId"),
    (DELETE, {"bookingId": "not-a-uuid"}, "bookingId"),
    (ERASE, {"personId": "{" + "0" * 32 + "}x", "reason": "asked"}, "personId"),
    (PERSON, {"id": "1" * 37, "role": "CUSTOMER", "displayName": "Ada"}, "id"),
    (TRANSITION, {"bookingId": str(uuid.uuid4()), "action": "CANCEL", "reason": "\x00"}, "reason"),
    (
        TRANSITION,
        {"bookingId": str(uuid.uuid4()), "action": "CANCEL", "idempotencyKey": "a\nb"},
        "idempotencyKey",
    ),
    (PERSON, {"role": "CUSTOMER", "displayName": "Ada\u0007"}, "displayName"),
]


@pytest.mark.parametrize(("mutation", "given", "field"), REFUSED_IDS)
async def test_malformed_ids_and_control_characters_are_refused_and_change_nothing(
    api: Api,
    factory: Factory,
    engine: AsyncEngine,
    mutation: str,
    given: dict[str, Any],
    field: str,
) -> None:
    party = await factory.party()
    before = await footprint(engine)

    answer = await api.gql(mutation, {"input": given}, token=factory.token(party.admin))

    (result,) = answer["data"].values()
    assert (result["code"], result["field"]) == ("VALIDATION_FAILED", field)
    assert await footprint(engine) == before


@pytest.mark.parametrize(
    "variables",
    [
        {"after": "A" * (bounds.CURSOR_MAX + 1)},
        {"filter": {"stylistId": "s" * 1000}},
        {"filter": {"customerId": "not-an-id"}},
    ],
)
async def test_an_out_of_bounds_query_argument_is_a_top_level_validation_error(
    api: Api, factory: Factory, variables: dict[str, Any]
) -> None:
    party = await factory.party()
    query = """query($after: String, $filter: BookingFilter) {
        bookings(after: $after, filter: $filter) { edges { cursor } } }"""

    answer = await api.gql(query, variables, token=factory.token(party.admin))

    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"] == {"code": "VALIDATION_FAILED"}
