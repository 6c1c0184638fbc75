"""Refusals answered before a route runs, in the shape the route's own errors have: a
GraphQL error with `extensions.code`, or the payment webhook's `{"error": ...}`."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import Scope

WEBHOOK_PREFIX = "/webhooks/"


def refusal(
    scope: Scope,
    *,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, object]
    if str(scope.get("path", "")).startswith(WEBHOOK_PREFIX):
        body = {"error": message}
    else:
        body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)
