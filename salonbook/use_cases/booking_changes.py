"""rescheduleBooking, addStylistNote and deleteBooking: changes beside the state machine, each
with its outbox event in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import availability as availability_facts
from salonbook.db import bookings, notes, reschedules, services
from salonbook.db.engine import unit_of_work
from salonbook.db.idempotency import key_use
from salonbook.db.notes import Note
from salonbook.domain import bounds
from salonbook.domain.changes import (
    check_add_note,
    check_delete,
    check_expected_version,
    check_reschedule,
)
from salonbook.domain.errors import NotFound, ValidationFailed
from salonbook.use_cases import availability
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.transactions import run_in_transaction


def _current(booking: bookings.Booking | None, expected_version: int | None) -> bookings.Booking:
    if booking is None:
        raise NotFound("booking not found")
    check_expected_version(booking.facts, expected_version)
    return booking


async def reschedule_booking(
    deps: Deps,
    caller: Caller,
    *,
    booking_id: UUID,
    start: datetime,
    reason: str | None,
    expected_version: int | None,
    idempotency_key: str | None,
    override_reason: str | None = None,
) -> int:
    """Move the booking to a new start (same service length, the booking's own buffer); returns
    the reschedule's id. An admin's override reason skips the working-time check and is the
    reschedule's recorded reason."""
    actor = caller.require_actor()
    reason = bounds.reason(reason)
    override = availability.override_reason(actor, override_reason)
    if override is not None:
        if reason not in (None, override):
            raise ValidationFailed(
                "overrideReason is the reschedule's reason: give one or the other, or the same",
                field="overrideReason",
            )
        reason = override
    now = deps.clock.now()

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        locked = await bookings.lock(connection, booking_id=booking_id, viewer=actor)
        booking = _current(locked, expected_version)
        new_start = check_reschedule(
            actor=actor, booking=booking.facts, new_start=start, now=now, windows=deps.windows
        )
        service = (await services.load_many(connection, ids=[booking.service_id]))[
            booking.service_id
        ]
        new_end = new_start + timedelta(minutes=service.duration_minutes)
        if override is None:
            buffer = await availability_facts.own_buffer(connection, booking_id=booking_id)
            await availability.check_working_time(
                connection,
                stylist_id=booking.facts.stylist_id,
                start=new_start,
                end=new_end,
                busy_until=new_end + buffer,
            )
        record_id = await reschedules.move(
            connection,
            booking=booking.facts,
            start=new_start,
            end=new_end,
            actor=actor,
            reason=reason,
            ip_address=caller.ip_address,
            user_agent=caller.user_agent,
            now=now,
        )
        return {"booking_id": str(booking_id), "reschedule_id": record_id}

    use = key_use(
        actor_id=actor.person_id,
        key=idempotency_key,
        operation="rescheduleBooking",
        request={
            "booking_id": str(booking_id),
            "start": start.isoformat(),
            "reason": reason,
            "expected_version": expected_version,
            # part of the request only when given: keys remembered before it existed still match
            **({"override": True} if override is not None else {}),
        },
    )
    result = await run_in_transaction(deps, use=use, work=work)
    return int(result["reschedule_id"])


async def add_stylist_note(deps: Deps, caller: Caller, *, booking_id: UUID, body: str) -> Note:
    actor = caller.require_actor()
    async with unit_of_work(deps.engine) as connection:
        booking = await bookings.load(connection, booking_id=booking_id)
        if booking is None:
            raise NotFound("booking not found")
        trimmed = check_add_note(actor=actor, booking=booking.facts, body=body)
        note = await notes.add(
            connection,
            booking=booking.facts,
            author_id=actor.person_id,
            body=trimmed,
            now=deps.clock.now(),
        )
    await deps.announce()
    return note


async def delete_booking(
    deps: Deps, caller: Caller, *, booking_id: UUID, reason: str | None
) -> UUID:
    actor = caller.require_actor()
    reason = bounds.reason(reason)
    now = deps.clock.now()
    async with unit_of_work(deps.engine) as connection:
        booking = _current(
            await bookings.lock(connection, booking_id=booking_id, viewer=actor), None
        )
        check_delete(actor=actor, booking=booking.facts, now=now)
        await bookings.soft_delete(
            connection,
            booking=booking.facts,
            actor=actor,
            reason=reason,
            now=now,
        )
    await deps.announce()
    return booking_id
