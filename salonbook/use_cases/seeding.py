"""Taking an action at a chosen moment without the time rules, for demo data and test set-ups.

It still goes through the one status-change path, so the database guards, the audit row and the
outbox event are the real ones; only "who may, and when" is skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import bookings
from salonbook.domain.model import Actor, BookingFacts, Windows
from salonbook.domain.rules import change_without_time_rules
from salonbook.domain.statuses import BookingAction


async def take_action(
    connection: AsyncConnection,
    *,
    booking: BookingFacts,
    action: BookingAction,
    actor: Actor,
    at: datetime,
    reason: str = "arranged",
) -> BookingFacts:
    change = change_without_time_rules(
        actor=actor, booking=booking, action=action, reason=reason, now=at, windows=Windows()
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
    return replace(booking, status=change.target, version=recorded.version, status_changed_at=at)
