"""The query limits over HTTP: a query deeper, with more aliases or more tokens than allowed is
refused without data and without leaking internals; one at the limits answers."""

from __future__ import annotations

import uuid

import pytest

from salonbook.api.execution.documents import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from salonbook.domain.roles import Role
from tests.e2e.leaks import assert_nothing_leaks
from tests.support.api import Api


def _nested(depth: int) -> str:
    """A selection `depth` fields deep, starting from the deepest real path of the schema."""
    real = ["bookings", "edges", "node", "customer"]
    made_up = [f"level{i}" for i in range(depth - len(real))]
    path = real + made_up
    return "{ " + " { ".join(path) + " { id" + " }" * len(path) + " }"


def _aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def _tokens(count: int) -> str:
    """A valid query of exactly `count` tokens: 19 around a list of `count - 19` statuses."""
    statuses = "PENDING " * (count - 19)
    return f"{{ bookings(filter: {{statuses: [{statuses}]}}) {{ pageInfo {{ hasNextPage }} }} }}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (_nested(MAX_DEPTH + 2), f"exceeds maximum operation depth of {MAX_DEPTH}"),
        (_aliases(MAX_ALIASES + 1), f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"),
        (_tokens(MAX_TOKENS + 1), f"more than {MAX_TOKENS} tokens"),
    ],
    ids=["depth", "aliases", "tokens"],
)
async def test_queries_over_the_limits_are_refused_without_data(
    api: Api, query: str, message: str
) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)

    response = await api.post(query, token=token)

    body = response.json()
    assert body.get("data") is None
    assert any(message in error["message"] for error in body["errors"]), body
    assert_nothing_leaks(response)


@pytest.mark.parametrize(
    "query", [_aliases(MAX_ALIASES), _tokens(MAX_TOKENS)], ids=["aliases", "tokens"]
)
async def test_queries_at_the_limits_answer(api: Api, query: str) -> None:
    body = await api.gql(query, token=api.token(uuid.uuid4(), Role.ADMIN))
    assert "errors" not in body
    assert body["data"]


async def test_the_deepest_real_query_is_within_the_depth_limit(api: Api) -> None:
    query = "{ bookings(first: 1) { edges { node { statusHistory { id } customer { id } } } } }"
    body = await api.gql(query, token=api.token(uuid.uuid4(), Role.ADMIN))
    assert "errors" not in body
