"""Talking to the service over HTTP, as a client would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx

from salonbook.auth.tokens import mint_token
from salonbook.config import Settings
from salonbook.domain.roles import Role

CLIENT_IP = "203.0.113.7"
"""The address the in-process client calls from (e2e/conftest.py's `http`)."""


def jwt_secret(settings: Settings) -> str:
    """The HS256 secret the service run with `settings` signs and checks tokens with."""
    secret = settings.effective_jwt_secret
    assert secret is not None
    return secret


def token_for(settings: Settings, person_id: UUID, role: Role) -> str:
    """A token the service run with `settings` accepts, for that person and role."""
    return mint_token(secret=jwt_secret(settings), sub=person_id, role=role)


@dataclass(frozen=True)
class Api:
    http: httpx.AsyncClient
    settings: Settings

    def token(self, person_id: UUID, role: Role) -> str:
        return token_for(self.settings, person_id, role)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await self.post(query, variables, token=token, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
