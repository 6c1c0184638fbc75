"""upsertService: an admin creates a service, or changes one."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from salonbook.api.context import Info
from salonbook.api.errors import ConcurrentUpdateError, ForbiddenError, ValidationFailedError
from salonbook.api.input_fields import parse_id
from salonbook.api.mutation_result import mutation_result
from salonbook.api.services.types import ServiceType
from salonbook.db.services import Service
from salonbook.domain import bounds
from salonbook.domain.schedules import BUFFER_MINUTES_MAX
from salonbook.use_cases import catalog


@strawberry.input
class UpsertServiceInput:
    name: str = strawberry.field(description=f"1 to {bounds.SERVICE_NAME_MAX} characters, trimmed.")
    duration_minutes: int = strawberry.field(
        description=f"{bounds.DURATION_MINUTES_MIN} to {bounds.DURATION_MINUTES_MAX}."
    )
    price_cents: int = strawberry.field(description=f"0 to {bounds.PRICE_CENTS_MAX}.")
    currency: str = strawberry.field(description="ISO 4217: 3 capital letters, like EUR.")
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    active: bool = True
    buffer_minutes: int | None = strawberry.field(
        default=None,
        description=(
            f"Busy minutes after each booking, 0 to {BUFFER_MINUTES_MAX}. Absent: the service"
            " keeps its buffer (0 for a new one)."
        ),
    )


@strawberry.type
class UpsertServiceSuccess:
    service: ServiceType


UpsertServiceResult = Annotated[
    UpsertServiceSuccess | ForbiddenError | ValidationFailedError | ConcurrentUpdateError,
    strawberry.union("UpsertServiceResult"),
]


@strawberry.mutation
@mutation_result
async def upsert_service(info: Info, input: UpsertServiceInput) -> UpsertServiceResult:
    ctx = info.context
    service = Service(
        id=parse_id(input.id, field="id") if input.id is not None else uuid.uuid4(),
        name=input.name,
        duration_minutes=input.duration_minutes,
        price_cents=input.price_cents,
        currency=input.currency,
        active=input.active,
        buffer_minutes=input.buffer_minutes or 0,
    )
    saved = await catalog.upsert_service(
        ctx.deps, ctx.caller, service=service, keep_buffer=input.buffer_minutes is None
    )
    return UpsertServiceSuccess(service=ServiceType(record=saved))
