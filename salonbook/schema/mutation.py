"""Mutations: parse the input, call the use case, shape the result or the typed error."""

from __future__ import annotations

import uuid

import strawberry

from salonbook.db.services import Service
from salonbook.schema.attempt import attempt
from salonbook.schema.context import Info
from salonbook.schema.inputs import (
    CreateBookingInput,
    TransitionBookingInput,
    UpsertPersonInput,
    UpsertServiceInput,
    parse_id,
    parse_key,
)
from salonbook.schema.results import (
    CreateBookingResult,
    CreateBookingSuccess,
    TransitionBookingResult,
    TransitionBookingSuccess,
    UpsertPersonResult,
    UpsertPersonSuccess,
    UpsertServiceResult,
    UpsertServiceSuccess,
)
from salonbook.schema.types import BookingStatusChange, BookingType, PersonType, ServiceType
from salonbook.schema.workflow_mutations import WorkflowMutations
from salonbook.use_cases import catalog, directory
from salonbook.use_cases.create_booking import create_booking
from salonbook.use_cases.queries import booking as load_booking
from salonbook.use_cases.transition_booking import transition_booking


@strawberry.type
class Mutation(WorkflowMutations):
    @strawberry.mutation
    async def create_booking(self, info: Info, input: CreateBookingInput) -> CreateBookingResult:
        async def run() -> CreateBookingSuccess:
            ctx = info.context
            booking_id = await create_booking(
                ctx.deps,
                ctx.caller,
                customer_id=parse_id(input.customer_id, field="customerId")
                if input.customer_id is not None
                else None,
                stylist_id=parse_id(input.stylist_id, field="stylistId"),
                service_id=parse_id(input.service_id, field="serviceId"),
                start=input.start_time,
                idempotency_key=parse_key(input.idempotency_key),
            )
            record = await load_booking(ctx.deps, ctx.caller, booking_id=booking_id)
            return CreateBookingSuccess(
                booking=BookingType(record=record, viewer=ctx.caller.require_actor())
            )

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation
    async def transition_booking(
        self, info: Info, input: TransitionBookingInput
    ) -> TransitionBookingResult:
        async def run() -> TransitionBookingSuccess:
            ctx = info.context
            done = await transition_booking(
                ctx.deps,
                ctx.caller,
                booking_id=parse_id(input.booking_id, field="bookingId"),
                action=input.action,
                reason=input.reason,
                expected_version=input.expected_version,
                idempotency_key=parse_key(input.idempotency_key),
            )
            viewer = ctx.caller.require_actor()
            record, change = done.booking, done.status_change
            if record is None or change is None:  # a replayed key: read them now
                record = await load_booking(ctx.deps, ctx.caller, booking_id=done.booking_id)
                change = await ctx.loaders.status_change.load(done.status_change_id)
            assert change is not None, "a recorded change is never deleted"
            return TransitionBookingSuccess(
                booking=BookingType(record=record, viewer=viewer),
                status_change=BookingStatusChange(record=change, viewer=viewer),
            )

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation
    async def upsert_service(self, info: Info, input: UpsertServiceInput) -> UpsertServiceResult:
        async def run() -> UpsertServiceSuccess:
            ctx = info.context
            service = Service(
                id=parse_id(input.id, field="id") if input.id is not None else uuid.uuid4(),
                name=input.name,
                duration_minutes=input.duration_minutes,
                price_cents=input.price_cents,
                currency=input.currency,
                active=input.active,
            )
            saved = await catalog.upsert_service(ctx.deps, ctx.caller, service=service)
            return UpsertServiceSuccess(service=ServiceType(record=saved))

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation
    async def upsert_person(self, info: Info, input: UpsertPersonInput) -> UpsertPersonResult:
        async def run() -> UpsertPersonSuccess:
            ctx = info.context
            saved = await directory.upsert_person(
                ctx.deps,
                ctx.caller,
                person_id=parse_id(input.id, field="id") if input.id is not None else uuid.uuid4(),
                role=input.role,
                display_name=input.display_name,
                email=input.email,
                phone=input.phone,
            )
            viewer = ctx.caller.require_actor()
            return UpsertPersonSuccess(person=PersonType(record=saved, viewer=viewer))

        return await attempt(run())  # type: ignore[return-value]
