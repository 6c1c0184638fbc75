"""removeClosure: an admin removes a closure (marked, kept)."""

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
from salonbook.api.input_fields import REASON, parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.schedules.types import Closure
from salonbook.use_cases import absences


@strawberry.input
class RemoveClosureInput:
    closure_id: strawberry.ID
    reason: str = strawberry.field(description="Required. " + REASON)


@strawberry.type
class RemoveClosureSuccess:
    closure: Closure


RemoveClosureResult = Annotated[
    RemoveClosureSuccess
    | ForbiddenError
    | NotFoundError
    | ValidationFailedError
    | ConcurrentUpdateError,
    strawberry.union("RemoveClosureResult"),
]


@strawberry.mutation(description="Admin only: remove a closure.")
@mutation_result
async def remove_closure(info: Info, input: RemoveClosureInput) -> RemoveClosureResult:
    ctx = info.context
    removed = await absences.remove_closure(
        ctx.deps,
        ctx.caller,
        closure_id=parse_id(input.closure_id, field="closureId"),
        reason=input.reason,
    )
    return RemoveClosureSuccess(closure=Closure(record=removed))
