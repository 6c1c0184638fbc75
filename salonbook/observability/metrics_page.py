"""GET /metrics, for the scraper only: with SALONBOOK_METRICS_TOKEN set, the request must carry
it as a bearer token (compared in constant time); without it the page is open, which is what
SALONBOOK_METRICS_ADDRESS (a listener of its own, on a private interface) is for."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from salonbook.observability.metrics import CONTENT_TYPE, Metrics

Endpoint = Callable[[Request], Awaitable[Response]]


def presented_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def metrics_endpoint(metrics: Metrics, *, token: str | None) -> Endpoint:
    expected = token.encode() if token else None

    async def metrics_page(request: Request) -> Response:
        if expected is not None:
            given = presented_token(request.headers.get("authorization"))
            if given is None or not hmac.compare_digest(given.encode(), expected):
                return JSONResponse(
                    {"error": "the metrics token is required"},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    return metrics_page
