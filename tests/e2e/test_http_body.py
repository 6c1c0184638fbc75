"""A request body that is not JSON is refused with 400 before anything runs."""

from __future__ import annotations

import uuid

import httpx
import pytest

from salonbook.domain.roles import Role
from tests.support.api import Api


@pytest.mark.parametrize(
    "body",
    [b"{bad", b"NaN", b"\xff\xfe", b'{"query": "{ me { id } }"'],
    ids=["syntax", "not-a-value", "not-utf8", "cut-short"],
)
async def test_a_body_that_is_not_json_is_a_400(
    http: httpx.AsyncClient, api: Api, body: bytes
) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    response = await http.post(
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert response.text == "Unable to parse request body as JSON"
