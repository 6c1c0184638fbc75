"""transitionBooking: move a booking along the state machine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import bookings
from salonbook.db.bookings import Booking
from salonbook.db.history import StatusChangeRecord
from salonbook.db.idempotency import key_use
from salonbook.domain import bounds
from salonbook.domain.changes import check_expected_version
from salonbook.domain.errors import NotFound
from salonbook.domain.rules import decide
from salonbook.domain.statuses import BookingAction
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.transactions import run_in_transaction, run_without_transaction


@dataclass(frozen=True, slots=True)
class Transitioned:
    booking_id: UUID
    status_change_id: int
    booking: Booking | None = None
    """The booking as this change left it, read in its transaction (None when the idempotency
    key replayed an earlier change: read it afresh)."""
    status_change: StatusChangeRecord | None = None


async def transition_booking(
    deps: Deps,
    caller: Caller,
    *,
    booking_id: UUID,
    action: BookingAction,
    reason: str | None,
    expected_version: int | None,
    idempotency_key: str | None,
) -> Transitioned:
    actor = caller.require_actor()
    reason = bounds.reason(reason)  # refused before any read; decide() keeps it as it is
    now = deps.clock.now()
    fresh: list[tuple[Booking, StatusChangeRecord]] = []

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        booking = await bookings.read(connection, booking_id=booking_id, viewer=actor)
        if booking is None:
            raise NotFound("booking not found")
        check_expected_version(booking.facts, expected_version)
        change = decide(
            actor=actor,
            booking=booking.facts,
            action=action,
            reason=reason,
            now=now,
            windows=deps.windows,
        )
        # changed only if still at the version decided on; locked without waiting
        changed, recorded = await bookings.change_at_version(
            connection,
            booking=booking.facts,
            change=change,
            actor=actor,
            ip_address=caller.ip_address,
            user_agent=caller.user_agent,
            now=now,
        )
        fresh.append((changed, recorded))
        return {"booking_id": str(booking_id), "status_change_id": recorded.id}

    use = key_use(
        actor_id=actor.person_id,
        key=idempotency_key,
        operation="transitionBooking",
        request={
            "booking_id": str(booking_id),
            "action": action.value,
            "reason": reason,
            "expected_version": expected_version,
        },
    )
    if use is None:
        result = await run_without_transaction(deps, work=work)
    else:
        result = await run_in_transaction(deps, use=use, work=work)
    done = Transitioned(
        booking_id=UUID(result["booking_id"]), status_change_id=int(result["status_change_id"])
    )
    # what this request's own committed change left; not a rolled-back attempt's
    for booking, change in fresh:
        if change.id == done.status_change_id:
            return replace(done, booking=booking, status_change=change)
    return done
