"""`services`: the salon's services."""

from __future__ import annotations

import strawberry

from salonbook.api.context import Info
from salonbook.api.services.types import ServiceType
from salonbook.use_cases import catalog


@strawberry.field
async def services(info: Info) -> list[ServiceType]:
    found = await catalog.list_services(info.context.deps, info.context.caller)
    return [ServiceType(record=service) for service in found]
