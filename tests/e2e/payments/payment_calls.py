"""Delivering payment processor events to POST /webhooks/payments, and reading back everything
a delivery could have changed (for "nothing changed" assertions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.domain.clock import SettableClock
from salonbook.webhooks import sign
from tests.support.api import Api
from tests.support.factory import Factory, Party

WEBHOOK = "/webhooks/payments"
USER_AGENT = "PaymentProcessor-Webhooks/2.1 (+https://processor.example/webhooks)"
SUCCEEDED, FAILED = "payment.succeeded", "payment.failed"
BOOKING = """
query($id: ID!) { booking(id: $id) {
  status version
  cancellation { reason actorRole refundPolicy refundCents }
  statusHistory {
    fromStatus toStatus action actorId actorRole reason ipAddress userAgent createdAt
  }
} }
"""
DELETE = """
mutation($input: DeleteBookingInput!) { deleteBooking(input: $input) {
  __typename ... on Error { code message } } }
"""


def payment(booking: Booking, kind: str, **changes: Any) -> dict[str, Any]:
    """A well-formed event for the booking (a new event id, the right amount) with changes."""
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "booking_id": str(booking.id),
        "amount_cents": booking.facts.price_cents,
    }
    return event | changes


def encode(event: dict[str, Any]) -> bytes:
    return orjson.dumps(event)


@dataclass(frozen=True)
class Processor:
    """The payment processor: signs with the shared secret at the server's clock time."""

    api: Api
    clock: SettableClock

    @property
    def secret(self) -> str:
        return self.api.settings.effective_webhook_secret

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def signature(
        self, body: bytes, *, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        at = self.now() if timestamp is None else timestamp
        return sign(secret=self.secret if secret is None else secret, timestamp=at, body=body)

    async def post(
        self, body: bytes, *, signature: str | bytes | None, extra: dict[str, str] | None = None
    ) -> httpx.Response:
        """Send the body with exactly this signature header (None: no header at all; bytes go
        on the wire as they are)."""
        sent: dict[str, str | bytes] = {"User-Agent": USER_AGENT, **(extra or {})}
        sent["Content-Type"] = "application/json"
        if signature is not None:
            sent["Salonbook-Signature"] = signature
        headers = [
            (name.encode(), value if isinstance(value, bytes) else value.encode("latin-1"))
            for name, value in sent.items()
        ]
        return await self.api.http.post(WEBHOOK, content=body, headers=headers)

    async def deliver(self, event: dict[str, Any]) -> httpx.Response:
        """A correctly signed delivery of the event."""
        body = encode(event)
        return await self.post(body, signature=self.signature(body))


async def booking_state(api: Api, factory: Factory, party: Party, booking_id: UUID) -> Any:
    """The booking as an admin sees it: status, version, cancellation, full audit history."""
    body = await api.gql(BOOKING, {"id": str(booking_id)}, token=factory.token(party.admin))
    assert "errors" not in body, body
    return body["data"]["booking"]


async def payment_rows(engine: AsyncEngine, booking_id: UUID) -> list[dict[str, Any]]:
    """The payment_events rows recorded for the booking, oldest first."""
    query = text(
        "SELECT id, type, amount_cents, outcome FROM payment_events"
        " WHERE booking_id = :booking_id ORDER BY received_at, id"
    )
    async with engine.connect() as connection:
        rows = await connection.execute(query, {"booking_id": booking_id})
        return [dict(row._mapping) for row in rows]


async def event_recorded(engine: AsyncEngine, event_id: str) -> bool:
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT 1 FROM payment_events WHERE id = :id"), {"id": event_id}
        )
        return found.one_or_none() is not None


@dataclass(frozen=True)
class Scene:
    """One party's booking and everything needed to deliver events about it and look at it."""

    api: Api
    factory: Factory
    engine: AsyncEngine
    processor: Processor
    party: Party
    booking: Booking

    async def state(self) -> dict[str, Any]:
        """Everything a delivery may change: the booking and the payment rows about it."""
        return {
            "booking": await booking_state(self.api, self.factory, self.party, self.booking.id),
            "payments": await payment_rows(self.engine, self.booking.id),
        }

    async def stored(self) -> dict[str, Any]:
        """The same, read from the tables (a deleted booking is invisible to the API)."""
        query = text(
            "SELECT status, version, deleted_at IS NOT NULL AS deleted,"
            " (SELECT count(*) FROM booking_status_history h WHERE h.booking_id = b.id) AS changes"
            " FROM bookings b WHERE id = :id"
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query, {"id": self.booking.id})).one()
        return {
            "booking": dict(row._mapping),
            "payments": await payment_rows(self.engine, self.booking.id),
        }

    async def delete(self) -> None:
        variables = {"input": {"bookingId": str(self.booking.id), "reason": "duplicate"}}
        done = await self.api.gql(DELETE, variables, token=self.factory.token(self.party.admin))
        assert done["data"]["deleteBooking"] == {"__typename": "DeleteBookingSuccess"}, done


async def scene(
    api: Api, factory: Factory, engine: AsyncEngine, clock: SettableClock, **booking: Any
) -> Scene:
    party = await factory.party()
    made = await factory.booking(party, **booking)
    return Scene(api, factory, engine, Processor(api, clock), party, made)
