"""Authentication over HTTP: what an anonymous caller may do, which credentials are refused
(401 without data), and provisioning a person on first use of a valid token."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.auth.tokens import mint_token
from salonbook.domain.roles import Role
from tests.e2e.attacks.forged_tokens import assembled
from tests.support.api import Api, jwt_secret

ME = "{ me { id role displayName email } }"
WRONG_SECRET = "not-the-salonbook-secret-but-long-enough"


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
    ("alg none", lambda s: "Bearer " + assembled({"alg": "none", "typ": "JWT"}, _claims(), None)),
    (
        "alg RS256 signed with the secret",
        lambda s: "Bearer " + assembled({"alg": "RS256"}, _claims(), s.encode()),
    ),
    (
        "no exp",
        lambda s: (
            "Bearer "
            + assembled(HS256, {k: v for k, v in _claims().items() if k != "exp"}, s.encode())
        ),
    ),
    ("unknown role", lambda s: "Bearer " + assembled(HS256, _claims(role="superuser"), s.encode())),
    ("sub not a uuid", lambda s: "Bearer " + assembled(HS256, _claims(sub="alice"), s.encode())),
    ("garbage", lambda s: "Bearer garbage"),
    ("three garbage parts", lambda s: "Bearer a.b.c"),
    ("empty bearer", lambda s: "Bearer"),
    ("basic auth", lambda s: "Basic " + base64.b64encode(b"admin:admin").decode()),
]


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
    authorization = authorization_of(jwt_secret(api.settings))

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
        secret=jwt_secret(api.settings),
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
    secret = jwt_secret(api.settings)
    first = mint_token(secret=secret, sub=sub, role=Role.CUSTOMER, name="First Name")
    later = mint_token(secret=secret, sub=sub, role=Role.CUSTOMER, name="Other Name")

    await api.gql(ME, token=first)
    body = await api.gql(ME, token=later)

    assert body["data"]["me"]["displayName"] == "First Name"


async def test_graphiql_is_served_to_a_browser(api: Api) -> None:
    response = await api.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
