"""Refusals answered before a route runs, in the shape the route's own errors have: a
GraphQL error with `extensions.code`, in the media type the client accepts, or the payment
webhook's `{"error": ...}`."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import Scope

from salonbook.intake.media_types import content_type_of

WEBHOOK_PREFIX = "/webhooks/"


def refusal(
    scope: Scope,
    *,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    if str(scope.get("path", "")).startswith(WEBHOOK_PREFIX):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    media_type = content_type_of(scope)
    return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)
