"""`me`: the signed-in person."""

from __future__ import annotations

import strawberry

from salonbook.api.context import Info
from salonbook.api.people.types import PersonType
from salonbook.use_cases import directory


@strawberry.field(description="The signed-in person; null without a token.")
async def me(info: Info) -> PersonType | None:
    caller = info.context.caller
    found = await directory.me(info.context.deps, caller)
    if found is None or caller.actor is None:
        return None
    return PersonType(record=found, viewer=caller.actor)
