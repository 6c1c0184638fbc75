"""The request observer: an ASGI middleware around /graphql and /webhooks/payments. Per HTTP
request it keeps or makes a request id (echoed in `X-Request-Id`), counts the request, times
it and writes one JSON log line; per websocket connection it keeps the open-connections gauge
and writes one line when the connection closes. Never logged: tokens, headers other than the
request id, variables, bodies."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salonbook.observability.metrics import Metrics
from salonbook.observability.observation import (
    OK,
    SCOPE_KEY,
    Observation,
    outcome_of_codes,
    outcome_of_status,
)

log = logging.getLogger("salonbook.requests")

GRAPHQL = "/graphql"
WEBHOOK = "/webhooks/payments"
REQUEST_ID_HEADER = b"x-request-id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_CLOSE_OUTCOMES = {
    4403: "UNAUTHENTICATED",
    1011: "INTERNAL_ERROR",
    1008: "BAD_REQUEST",  # intake/credentials.py
    1009: "PAYLOAD_TOO_LARGE",  # intake/body_limit.py
}


def request_id(scope: Scope) -> str:
    """The client's X-Request-Id when it is a short plain token, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER:
            given: str = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


class RequestObserver:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path")
        if scope["type"] == "http" and path in (GRAPHQL, WEBHOOK):
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket" and path == GRAPHQL:
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        observation = _open(scope, self.metrics, websocket=False)
        if scope["path"] == WEBHOOK:
            observation.operation_type = "webhook"
        header = (REQUEST_ID_HEADER, observation.request_id.encode())
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            codes = observation.codes
            outcome = outcome_of_codes(codes) if codes is not None else outcome_of_status(status)
            kind = observation.operation_type
            self.metrics.requests_of(kind, outcome).inc()
            self.metrics.request_duration_of(kind).observe(duration)
            _log(scope, observation, "request", outcome=outcome, status=status, duration=duration)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        observation = _open(scope, self.metrics, websocket=True)
        observation.operation_type = "websocket"
        close_code: int | None = None

        async def watched_send(message: Message) -> None:
            nonlocal close_code
            if message["type"] == "websocket.close" and close_code is None:
                close_code = message.get("code", 1000)
            await send(message)

        async def watched_receive() -> Message:
            nonlocal close_code
            message = await receive()
            if message["type"] == "websocket.disconnect" and close_code is None:
                close_code = message.get("code", 1005)
            return message

        try:
            await self.app(scope, watched_receive, watched_send)
        finally:
            code = close_code or 1005
            outcome = _CLOSE_OUTCOMES.get(code, "PROTOCOL_ERROR" if code >= 4000 else OK)
            duration = time.perf_counter() - started
            _log(
                scope,
                observation,
                "websocket closed",
                outcome=outcome,
                status=code,
                duration=duration,
            )


def _open(scope: Scope, metrics: Metrics, *, websocket: bool) -> Observation:
    observation = Observation(metrics=metrics, request_id=request_id(scope), websocket=websocket)
    scope.setdefault("state", {})[SCOPE_KEY] = observation
    return observation


def _log(
    scope: Scope,
    observation: Observation,
    message: str,
    *,
    outcome: str,
    status: int,
    duration: float,
) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    actor = getattr(scope["state"].get("caller"), "actor", None)
    fields: dict[str, Any] = {
        "request_id": observation.request_id,
        "path": scope["path"],
        "operation_type": observation.operation_type,
        "operation_name": observation.operation_name,
        "actor_id": str(actor.person_id) if actor is not None else None,
        "actor_role": actor.role.value if actor is not None else None,
        "outcome": outcome,
        "status": status,
        "duration_ms": round(duration * 1000, 3),
    }
    if observation.websocket:
        fields["operations"] = observation.operations
        fields["subscriptions"] = observation.subscriptions
    log.info(message, extra={"fields": fields})
