"""POST /webhooks/payments: the payment processor's signed events.

`Salonbook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; several
`v1` values may be sent while a secret is rotated. A bad or missing signature, or a timestamp
more than 5 minutes away, is 401; a malformed event 400; the rest is the use case's answer."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime, timedelta

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse

from salonbook.auth.principal import Authenticator
from salonbook.domain import bounds
from salonbook.domain.clock import Clock
from salonbook.domain.errors import ConcurrentUpdate
from salonbook.observability.observation import observation_of
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.payments import PaymentEvent, PaymentEventType, apply_payment

SIGNATURE_HEADER = "salonbook-signature"
TOLERANCE = timedelta(minutes=5)


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header value a processor sends (tests and tools sign with it too)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_valid(*, header: str | None, secret: str, body: bytes, now: datetime) -> bool:
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value.isascii():
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs(now.timestamp() - timestamp) > TOLERANCE.total_seconds():
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def parse_event(body: bytes) -> PaymentEvent | None:
    try:
        raw = orjson.loads(body)
        if not isinstance(raw, dict) or not isinstance(raw["id"], str):
            return None
        event = PaymentEvent(
            id=raw["id"],
            type=PaymentEventType(raw["type"]),
            booking_id=uuid.UUID(str(raw["booking_id"])),
            amount_cents=raw["amount_cents"],
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not bounds.payment_event_id_valid(event.id):
        return None
    if type(event.amount_cents) is not int or event.amount_cents < 0:
        return None
    return event


class PaymentWebhook:
    def __init__(self, *, secret: str, deps: Deps, clock: Clock, authenticator: Authenticator):
        self._secret = secret
        self._deps = deps
        self._clock = clock
        self._authenticator = authenticator

    async def __call__(self, request: Request) -> JSONResponse:
        body = await request.body()
        if not signature_valid(
            header=request.headers.get(SIGNATURE_HEADER),
            secret=self._secret,
            body=body,
            now=self._clock.now(),
        ):
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        event = parse_event(body)
        if event is None:
            return JSONResponse({"error": "malformed payment event"}, status_code=400)
        caller = Caller(
            actor=None,
            ip_address=self._authenticator.address_of(request),
            user_agent=request.headers.get("user-agent"),
        )
        try:
            outcome = await apply_payment(self._deps, caller, event=event)
        except ConcurrentUpdate as busy:
            return JSONResponse({"error": busy.message, "retryable": True}, status_code=409)
        code = outcome.body.get("code") if outcome.status_code >= 400 else None
        observation = observation_of(request.scope)
        if isinstance(code, str) and observation is not None:
            observation.codes = [code]  # a 409 alone would be counted as CONCURRENT_UPDATE
        return JSONResponse(outcome.body, status_code=outcome.status_code)
