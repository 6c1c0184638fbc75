"""What a cancelled or no-show booking refunds (docs/rules.md#refunds)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus


class RefundPolicy(enum.StrEnum):
    NOT_CHARGED = "NOT_CHARGED"
    FULL_REFUND = "FULL_REFUND"
    LATE_CANCELLATION = "LATE_CANCELLATION"
    NO_REFUND = "NO_REFUND"


@dataclass(frozen=True, slots=True)
class Refund:
    policy: RefundPolicy
    cents: int


def refund_for_cancellation(
    *, booking: BookingFacts, actor: Actor, now: datetime, windows: Windows
) -> Refund:
    if booking.status is BookingStatus.PENDING:
        return Refund(RefundPolicy.NOT_CHARGED, 0)
    if actor.role is not Role.CUSTOMER:
        return Refund(RefundPolicy.FULL_REFUND, booking.price_cents)
    if booking.start - now >= windows.free_cancellation:
        return Refund(RefundPolicy.FULL_REFUND, booking.price_cents)
    cents = booking.price_cents * windows.late_cancellation_refund_percent // 100
    return Refund(RefundPolicy.LATE_CANCELLATION, cents)


def refund_for_no_show() -> Refund:
    return Refund(RefundPolicy.NO_REFUND, 0)


def refund_for(
    target: BookingStatus, *, booking: BookingFacts, actor: Actor, now: datetime, windows: Windows
) -> Refund | None:
    """What a change to `target` refunds: a cancellation or a no-show does, nothing else."""
    if target is BookingStatus.CANCELLED:
        return refund_for_cancellation(booking=booking, actor=actor, now=now, windows=windows)
    if target is BookingStatus.NO_SHOW:
        return refund_for_no_show()
    return None
