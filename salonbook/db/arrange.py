"""Taking an action without the time rules, for demo data and test arrangements.

It still goes through the one status-change path, so the database guards, the audit row and the
outbox event are the real ones; only "who may, and when" is skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import bookings
from salonbook.domain import refunds
from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.rules import StatusChange
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.domain.transitions import find_transition


async def take_action(
    connection: AsyncConnection,
    *,
    booking: BookingFacts,
    action: BookingAction,
    actor: Actor,
    at: datetime,
    reason: str = "arranged",
) -> BookingFacts:
    transition = find_transition(booking.status, action)
    if transition is None:
        raise ValueError(f"{action} is not possible from {booking.status}")
    permit = transition.permit_for(actor.role)
    if permit is None:
        raise ValueError(f"a {actor.role} never takes {action} from {booking.status}")
    refund = None
    if transition.target is BookingStatus.CANCELLED:
        refund = refunds.refund_for_cancellation(
            booking=booking, actor=actor, now=at, windows=Windows()
        )
    elif transition.target is BookingStatus.NO_SHOW:
        refund = refunds.refund_for_no_show()
    change = StatusChange(
        transition=transition,
        permit=permit,
        reason=reason if permit.reason.accepts_reason else None,
        refund=refund,
    )
    recorded = await bookings.change_status(
        connection,
        booking=booking,
        change=change,
        actor=actor,
        ip_address=None,
        user_agent=None,
        now=at,
    )
    return replace(
        booking, status=transition.target, version=recorded.version, status_changed_at=at
    )
