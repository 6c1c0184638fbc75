"""A payment processor's event: payment.succeeded confirms, payment.failed cancels, as system."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from salonbook.db import bookings, payments
from salonbook.db.engine import unit_of_work
from salonbook.domain.errors import ErrorCode, SalonbookError
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction
from salonbook.domain.system_actors import PAYMENTS
from salonbook.use_cases.deps import Caller, Deps


class PaymentEventType(enum.StrEnum):
    SUCCEEDED = "payment.succeeded"
    FAILED = "payment.failed"


PAYMENT_FAILED = "payment_failed"


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    id: str
    type: PaymentEventType
    booking_id: UUID
    amount_cents: int


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    status_code: int
    body: dict[str, Any]


async def apply_payment(deps: Deps, caller: Caller, *, event: PaymentEvent) -> PaymentOutcome:
    now = deps.clock.now()
    async with unit_of_work(deps.engine) as connection:
        first = await payments.seen(connection, event_id=event.id)
        if first is not None:
            return _replayed(first, event)
        booking = await bookings.lock(connection, booking_id=event.booking_id, viewer=PAYMENTS)
        if booking is None:
            return PaymentOutcome(422, {"error": "unknown booking"})
        if event.amount_cents != booking.facts.price_cents:
            return PaymentOutcome(422, {"error": "amount does not match the booking's price"})
        action = BookingAction.CONFIRM
        reason = None
        if event.type is PaymentEventType.FAILED:
            action, reason = BookingAction.CANCEL, PAYMENT_FAILED
        try:
            change = decide(
                actor=PAYMENTS,
                booking=booking.facts,
                action=action,
                reason=reason,
                now=now,
                windows=deps.windows,
            )
        except SalonbookError as refused:
            # e.g. paid after the payment timeout cancelled it: recorded, not retried
            outcome = {
                "result": "rejected",
                "code": refused.code.value,
                "status": booking.facts.status.value,
            }
        else:
            await bookings.change_status(
                connection,
                booking=booking.facts,
                change=change,
                actor=PAYMENTS,
                ip_address=caller.ip_address,
                user_agent=caller.user_agent,
                now=now,
            )
            outcome = {"result": "applied", "status": change.target.value}
        outcome["booking_id"] = str(event.booking_id)
        await payments.remember(
            connection,
            event_id=event.id,
            kind=event.type.value,
            booking_id=event.booking_id,
            amount_cents=event.amount_cents,
            outcome=outcome,
            now=now,
        )
    await deps.announce()
    return PaymentOutcome(200, outcome)


def _replayed(first: payments.SeenEvent, event: PaymentEvent) -> PaymentOutcome:
    """A redelivery answers the first outcome; the same id saying something else is refused,
    as an idempotency key reused with other parameters is: one of the two deliveries is not
    what the processor meant, and applying either silently would hide it."""
    said = (first.kind, first.booking_id, first.amount_cents)
    if said != (event.type.value, event.booking_id, event.amount_cents):
        return PaymentOutcome(
            409,
            {
                "error": "this event id was delivered before with another type, booking or amount",
                "code": ErrorCode.IDEMPOTENCY_CONFLICT.value,
            },
        )
    return PaymentOutcome(200, {**first.outcome, "replayed": True})
