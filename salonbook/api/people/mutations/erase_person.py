"""erasePerson: an admin replaces a person's personal data wherever it is kept."""

from __future__ import annotations

from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import (
    ConcurrentUpdateError,
    ForbiddenError,
    NotFoundError,
    ReasonRequiredError,
    ValidationFailedError,
)
from salonbook.api.input_fields import REASON, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.people.types import PersonType
from salonbook.use_cases import erasure


@strawberry.input
class ErasePersonInput:
    person_id: strawberry.ID
    reason: str = strawberry.field(description=REASON)


@strawberry.type
class ErasePersonSuccess:
    person: PersonType


ErasePersonResult = Annotated[
    ErasePersonSuccess
    | NotFoundError
    | ForbiddenError
    | ReasonRequiredError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("ErasePersonResult"),
]


@strawberry.mutation(description="Admin only: replace a person's personal data.")
@mutation_result
async def erase_person(info: Info, input: ErasePersonInput) -> ErasePersonResult:
    ctx = info.context
    erased = await erasure.erase_person(
        ctx.deps,
        ctx.caller,
        person_id=parse_id(input.person_id, field="personId"),
        reason=input.reason,
    )
    viewer = ctx.caller.require_actor()
    return ErasePersonSuccess(person=PersonType(record=erased, viewer=viewer))
