"""upsertPerson: an admin adds a person, or changes one's role or details."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ValidationFailedError,
)
from salonbook.api.input_fields import optional, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.people.types import PersonType
from salonbook.domain import bounds
from salonbook.domain.roles import Role
from salonbook.use_cases import directory


@strawberry.input
class UpsertPersonInput:
    role: Role
    display_name: str = strawberry.field(
        description=f"1 to {bounds.DISPLAY_NAME_MAX} characters, trimmed."
    )
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    email: str | None = optional(f"At most {bounds.EMAIL_MAX} characters.")
    phone: str | None = optional(
        f"{bounds.PHONE_MIN} to {bounds.PHONE_MAX} characters: digits, spaces, ( ) - and a"
        " leading +."
    )


@strawberry.type
class UpsertPersonSuccess:
    person: PersonType


UpsertPersonResult = Annotated[
    UpsertPersonSuccess
    | ForbiddenError
    | ValidationFailedError
    | NotFoundError
    | ConcurrentUpdateError,
    strawberry.union("UpsertPersonResult"),
]


@strawberry.mutation
@mutation_result
async def upsert_person(info: Info, input: UpsertPersonInput) -> UpsertPersonResult:
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
