"""addStylistNote: the booking's stylist, or an admin, appends a note in Markdown."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from salonbook.api.input_fields import parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.notes.types import StylistNote
from salonbook.domain import bounds
from salonbook.use_cases import booking_changes


@strawberry.input
class AddStylistNoteInput:
    booking_id: strawberry.ID
    body: str = strawberry.field(
        description=f"Markdown: bold, italic, bullet lists; 1 to {bounds.NOTE_BODY_MAX}"
        " characters, trimmed."
    )


@strawberry.type
class AddStylistNoteSuccess:
    note: StylistNote


AddStylistNoteResult = Annotated[
    AddStylistNoteSuccess
    | NotFoundError
    | ForbiddenError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("AddStylistNoteResult"),
]


@strawberry.mutation(description="The booking's stylist or an admin appends a note.")
@mutation_result
async def add_stylist_note(info: Info, input: AddStylistNoteInput) -> AddStylistNoteResult:
    ctx = info.context
    note = await booking_changes.add_stylist_note(
        ctx.deps,
        ctx.caller,
        booking_id=parse_id(input.booking_id, field="bookingId"),
        body=input.body,
    )
    return AddStylistNoteSuccess(note=StylistNote(record=note))
