"""Authentication over HTTP, the query limits, and what an unexpected failure looks like."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.api.execution.documents import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from salonbook.auth.tokens import mint_token
from salonbook.db import people
from salonbook.domain.roles import Role
from salonbook.use_cases import catalog
from tests.support.api import Api

ME = "{ me { id role displayName email } }"
WRONG_SECRET = "not-the-salonbook-secret-but-long-enough"
LEAKS = ("Traceback", 'File "', ".py", "SELECT", "sqlalchemy", "asyncpg", "secret")


def _secret(api: Api) -> str:
    secret = api.settings.effective_jwt_secret
    assert secret is not None
    return secret


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(header: dict[str, Any], payload: dict[str, Any], secret: str | None) -> str:
    """A JWT built by hand, so a test can forge what a library would refuse to make."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    if secret is None:
        return f"{signing_input}."
    digest = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(digest)}"


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    return {"sub": str(uuid.uuid4()), "role": "customer", "exp": now + 3600, **overrides}


HS256 = {"alg": "HS256", "typ": "JWT"}
REFUSED_CREDENTIALS: list[tuple[str, Callable[[str], str]]] = [
    (
        "bad signature",
        lambda s: "Bearer " + mint_token(secret=WRONG_SECRET, sub=uuid.uuid4(), role=Role.ADMIN),
    ),
    (
        "expired",
        lambda s: (
            "Bearer "
            + mint_token(
                secret=s,
                sub=uuid.uuid4(),
                role=Role.ADMIN,
                now=datetime.now(UTC) - timedelta(hours=2),
                ttl=timedelta(hours=1),
            )
        ),
    ),
    ("alg none", lambda s: "Bearer " + _jwt({"alg": "none", "typ": "JWT"}, _claims(), None)),
    (
        "alg RS256 signed with the secret",
        lambda s: "Bearer " + _jwt({"alg": "RS256"}, _claims(), s),
    ),
    (
        "no exp",
        lambda s: "Bearer " + _jwt(HS256, {k: v for k, v in _claims().items() if k != "exp"}, s),
    ),
    ("unknown role", lambda s: "Bearer " + _jwt(HS256, _claims(role="superuser"), s)),
    ("sub not a uuid", lambda s: "Bearer " + _jwt(HS256, _claims(sub="alice"), s)),
    ("garbage", lambda s: "Bearer garbage"),
    ("three garbage parts", lambda s: "Bearer a.b.c"),
    ("empty bearer", lambda s: "Bearer"),
    ("basic auth", lambda s: "Basic " + base64.b64encode(b"admin:admin").decode()),
]


def _assert_nothing_leaks(response: httpx.Response) -> None:
    for leak in LEAKS:
        assert leak not in response.text, response.text


async def test_without_a_token_me_is_null(api: Api) -> None:
    assert await api.gql("{ me { id } }") == {"data": {"me": None}}


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("{ bookings { edges { node { id } } } }", None),
        (f'{{ booking(id: "{uuid.uuid4()}") {{ id }} }}', {"booking": None}),
        ("{ services { id } }", None),
    ],
    ids=["bookings", "booking", "services"],
)
async def test_without_a_token_the_read_api_is_unauthenticated(
    api: Api, query: str, data: dict[str, Any] | None
) -> None:
    body = await api.gql(query)
    assert body["data"] == data
    assert [error["extensions"] for error in body["errors"]] == [{"code": "UNAUTHENTICATED"}]


async def test_without_a_token_introspection_answers(api: Api) -> None:
    body = await api.gql("{ __schema { queryType { name } } }")
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


@pytest.mark.parametrize(
    "authorization_of",
    [case[1] for case in REFUSED_CREDENTIALS],
    ids=[case[0] for case in REFUSED_CREDENTIALS],
)
async def test_refused_credentials_answer_401_without_data(
    api: Api, authorization_of: Callable[[str], str]
) -> None:
    authorization = authorization_of(_secret(api))

    response = await api.post(ME, headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert "data" not in body
    assert [error["extensions"] for error in body["errors"]] == [{"code": "UNAUTHENTICATED"}]
    credential = authorization.partition(" ")[2]
    assert not credential or credential not in response.text


async def _people_with_id(engine: AsyncEngine, person_id: uuid.UUID) -> int:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT count(*) FROM people WHERE id = :id"), {"id": person_id}
        )
        return int(found.scalar_one())


async def test_a_valid_token_for_an_unknown_person_provisions_them_once(
    api: Api, engine: AsyncEngine
) -> None:
    sub = uuid.uuid4()
    token = mint_token(
        secret=_secret(api),
        sub=sub,
        role=Role.STYLIST,
        name="Ada Lovelace",
        email="ada@example.com",
    )
    expected = {
        "data": {
            "me": {
                "id": str(sub),
                "role": "STYLIST",
                "displayName": "Ada Lovelace",
                "email": "ada@example.com",
            }
        }
    }

    assert await api.gql(ME, token=token) == expected
    assert await api.gql(ME, token=token) == expected
    assert await _people_with_id(engine, sub) == 1


async def test_provisioning_happens_on_first_use_only(api: Api) -> None:
    sub = uuid.uuid4()
    first = mint_token(secret=_secret(api), sub=sub, role=Role.CUSTOMER, name="First Name")
    later = mint_token(secret=_secret(api), sub=sub, role=Role.CUSTOMER, name="Other Name")

    await api.gql(ME, token=first)
    body = await api.gql(ME, token=later)

    assert body["data"]["me"]["displayName"] == "First Name"


async def test_graphiql_is_served_to_a_browser(api: Api) -> None:
    response = await api.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


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
    _assert_nothing_leaks(response)


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


async def _boom(*args: object, **kwargs: object) -> Any:
    raise RuntimeError("secret SQL detail: SELECT * FROM people")


UPSERT_SERVICE = """
mutation { upsertService(input: {name: "Cut", durationMinutes: 30, priceCents: 100,
  currency: "EUR"}) { __typename } }
"""


@pytest.mark.parametrize(
    ("query", "patched", "path"),
    [
        ("{ services { id } }", "list_services", "services"),
        (UPSERT_SERVICE, "upsert_service", "upsertService"),
    ],
    ids=["query", "mutation"],
)
async def test_an_unexpected_failure_is_masked_and_retryable(
    api: Api, monkeypatch: pytest.MonkeyPatch, query: str, patched: str, path: str
) -> None:
    monkeypatch.setattr(catalog, patched, _boom)

    response = await api.post(query, token=api.token(uuid.uuid4(), Role.ADMIN))

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["path"] == [path]
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "retryable": True}
    _assert_nothing_leaks(response)


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (RuntimeError("secret SQL detail: INSERT INTO people"), "INTERNAL_ERROR"),
        (ConnectionRefusedError("secret host db.internal:5432"), "SERVICE_UNAVAILABLE"),
    ],
    ids=["internal", "database down"],
)
async def test_a_failure_while_signing_in_is_masked_and_retryable(
    api: Api, monkeypatch: pytest.MonkeyPatch, failure: Exception, code: str
) -> None:
    async def provision(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(people, "provision", provision)
    newcomer = api.token(uuid.uuid4(), Role.CUSTOMER)  # unknown: provisioning runs

    response = await api.post("{ me { id } }", token=newcomer)

    assert response.status_code in (500, 503)
    body = response.json()
    assert "data" not in body
    assert [error["extensions"] for error in body["errors"]] == [{"code": code, "retryable": True}]
    _assert_nothing_leaks(response)
