"""The observation of one HTTP request or one websocket connection: filled in by the request
observer (salonbook/observability/request_log.py) and by the GraphQL operations it carries, then
counted and logged; and the outcome a request is counted and logged under."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salonbook.observability.metrics import Metrics

SCOPE_KEY = "salonbook.observation"
"""Where the observation is kept in the ASGI scope's `state`."""

OK = "ok"
_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONCURRENT_UPDATE",
    413: "PAYLOAD_TOO_LARGE",
    422: "VALIDATION_FAILED",
    503: "SERVICE_UNAVAILABLE",
}


def outcome_of_status(status: int) -> str:
    """The outcome of a request no GraphQL operation answered (or a webhook)."""
    if status < 400:
        return OK
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    return "INTERNAL_ERROR" if status >= 500 else f"HTTP_{status}"


def outcome_of_codes(codes: list[str]) -> str:
    return ",".join(sorted(set(codes))) if codes else OK


@dataclass(slots=True)
class Observation:
    metrics: Metrics
    request_id: str
    websocket: bool = False
    operation_type: str = "unknown"
    operation_name: str | None = None
    codes: list[str] | None = None
    """Error codes of its GraphQL operations (None: none ran)."""
    operations: int = 0
    subscriptions: int = 0


def observation_of(scope: Any) -> Observation | None:
    state = scope.get("state") if isinstance(scope, dict) else None
    found = state.get(SCOPE_KEY) if state is not None else None
    return found if isinstance(found, Observation) else None
