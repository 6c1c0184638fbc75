"""What an unexpected failure looks like over HTTP, in an operation or while signing in: masked
as INTERNAL_ERROR or SERVICE_UNAVAILABLE, retryable, and leaking nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from salonbook.db import people
from salonbook.domain.roles import Role
from salonbook.use_cases import catalog
from tests.e2e.leaks import assert_nothing_leaks
from tests.support.api import Api


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
    assert_nothing_leaks(response)


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
    assert_nothing_leaks(response)
