"""Mutations of the salon workflows: reschedule, notes, deletion and erasure."""

from __future__ import annotations

import strawberry

from salonbook.db import people
from salonbook.schema.attempt import attempt
from salonbook.schema.context import Info
from salonbook.schema.inputs import (
    AddStylistNoteInput,
    DeleteBookingInput,
    ErasePersonInput,
    RescheduleBookingInput,
    parse_id,
    parse_key,
)
from salonbook.schema.records import BookingReschedule, StylistNote
from salonbook.schema.types import BookingType, PersonType
from salonbook.schema.workflow_results import (
    AddStylistNoteResult,
    AddStylistNoteSuccess,
    DeleteBookingResult,
    DeleteBookingSuccess,
    ErasePersonResult,
    ErasePersonSuccess,
    RescheduleBookingResult,
    RescheduleBookingSuccess,
)
from salonbook.use_cases import booking_changes, erasure
from salonbook.use_cases.queries import booking as load_booking


@strawberry.type
class WorkflowMutations:
    @strawberry.mutation(description="Admin only: move a PENDING or CONFIRMED booking.")
    async def reschedule_booking(
        self, info: Info, input: RescheduleBookingInput
    ) -> RescheduleBookingResult:
        async def run() -> RescheduleBookingSuccess:
            ctx = info.context
            booking_id = parse_id(input.booking_id, field="bookingId")
            reschedule_id = await booking_changes.reschedule_booking(
                ctx.deps,
                ctx.caller,
                booking_id=booking_id,
                start=input.start_time,
                reason=input.reason,
                expected_version=input.expected_version,
                idempotency_key=parse_key(input.idempotency_key),
            )
            viewer = ctx.caller.require_actor()
            record = await load_booking(ctx.deps, ctx.caller, booking_id=booking_id)
            move = await ctx.loaders.reschedule.load(reschedule_id)
            assert move is not None, "a reschedule record is never deleted"
            return RescheduleBookingSuccess(
                booking=BookingType(record=record, viewer=viewer),
                reschedule=BookingReschedule(record=move, viewer=viewer),
            )

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation(description="The booking's stylist or an admin appends a note.")
    async def add_stylist_note(
        self, info: Info, input: AddStylistNoteInput
    ) -> AddStylistNoteResult:
        async def run() -> AddStylistNoteSuccess:
            ctx = info.context
            note = await booking_changes.add_stylist_note(
                ctx.deps,
                ctx.caller,
                booking_id=parse_id(input.booking_id, field="bookingId"),
                body=input.body,
            )
            return AddStylistNoteSuccess(note=StylistNote(record=note))

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation(description="Soft-delete: hidden from queries and subscriptions.")
    async def delete_booking(self, info: Info, input: DeleteBookingInput) -> DeleteBookingResult:
        async def run() -> DeleteBookingSuccess:
            ctx = info.context
            deleted = await booking_changes.delete_booking(
                ctx.deps,
                ctx.caller,
                booking_id=parse_id(input.booking_id, field="bookingId"),
                reason=input.reason,
            )
            return DeleteBookingSuccess(booking_id=strawberry.ID(str(deleted)))

        return await attempt(run())  # type: ignore[return-value]

    @strawberry.mutation(description="Admin only: replace a person's personal data.")
    async def erase_person(self, info: Info, input: ErasePersonInput) -> ErasePersonResult:
        async def run() -> ErasePersonSuccess:
            ctx = info.context
            person_id = await erasure.erase_person(
                ctx.deps,
                ctx.caller,
                person_id=parse_id(input.person_id, field="personId"),
                reason=input.reason,
            )
            async with ctx.deps.engine.connect() as connection:
                person = await people.load(connection, person_id=person_id)
            assert person is not None
            viewer = ctx.caller.require_actor()
            return ErasePersonSuccess(person=PersonType(record=person, viewer=viewer))

        return await attempt(run())  # type: ignore[return-value]
