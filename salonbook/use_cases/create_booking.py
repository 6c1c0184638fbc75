"""createBooking: a customer books for itself; admin and system book for anyone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import bookings, people, services
from salonbook.db.idempotency import key_use
from salonbook.domain.errors import Forbidden, ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.start_times import as_utc, check_start
from salonbook.use_cases import availability
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.transactions import run_in_transaction


def _customer_for(actor: Actor, customer_id: UUID | None) -> UUID:
    if actor.role is Role.STYLIST:
        raise Forbidden("stylists do not create bookings")
    if actor.role is Role.CUSTOMER:
        if customer_id not in (None, actor.person_id):
            raise Forbidden("a customer books only for itself")
        return actor.person_id
    if customer_id is None:
        raise ValidationFailed("customerId is required", field="customerId")
    return customer_id


async def create_booking(
    deps: Deps,
    caller: Caller,
    *,
    customer_id: UUID | None,
    stylist_id: UUID,
    service_id: UUID,
    start: datetime,
    idempotency_key: str | None,
    override_reason: str | None = None,
) -> UUID:
    actor = caller.require_actor()
    customer = _customer_for(actor, customer_id)
    override = availability.override_reason(actor, override_reason)
    now = deps.clock.now()

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        # Judged after the idempotency key is read: a retry of a booking made in time gets
        # its first answer even once the start has passed.
        start_utc = check_start(start, now=now, windows=deps.windows)
        found = await people.load_many(connection, ids=[customer, stylist_id])
        if customer not in found or found[customer].role is not Role.CUSTOMER:
            raise ValidationFailed("no such customer", field="customerId")
        if stylist_id not in found or found[stylist_id].role is not Role.STYLIST:
            raise ValidationFailed("no such stylist", field="stylistId")
        service = (await services.load_many(connection, ids=[service_id])).get(service_id)
        if service is None or not service.active:
            raise ValidationFailed("no such service", field="serviceId")
        end = start_utc + timedelta(minutes=service.duration_minutes)
        if override is None:
            await availability.check_working_time(
                connection,
                stylist_id=stylist_id,
                start=start_utc,
                end=end,
                busy_until=end + timedelta(minutes=service.buffer_minutes),
            )
        booking = await bookings.create(
            connection,
            booking_id=uuid.uuid4(),
            customer_id=customer,
            stylist_id=stylist_id,
            service_id=service_id,
            start=start_utc,
            end=end,
            price_cents=service.price_cents,
            currency=service.currency,
            now=now,
            outside_hours_reason=override,
        )
        return {"booking_id": str(booking.id)}

    use = key_use(
        actor_id=actor.person_id,
        key=idempotency_key,
        operation="createBooking",
        request={
            "customer_id": str(customer),
            "stylist_id": str(stylist_id),
            "service_id": str(service_id),
            # the instant, however it was written (clamped: no arithmetic on an unchecked date)
            "start": as_utc(start).isoformat(),
            # part of the request only when given: keys remembered before it existed still match
            **({"override_reason": override} if override is not None else {}),
        },
    )
    result = await run_in_transaction(deps, use=use, work=work)
    return UUID(result["booking_id"])
