"""`me`: the signed-in person; `stylists`: every stylist, to pick one or filter by one."""

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


@strawberry.field(
    description=f"Every stylist, ordered by displayName, then id; at most"
    f" {directory.STYLISTS_LIMIT}. Erased people are not listed. Contact details as for any"
    " Person: null unless the viewer may read them."
)
async def stylists(info: Info) -> list[PersonType]:
    ctx = info.context
    viewer = ctx.caller.require_actor()
    found = await directory.stylists(ctx.deps, ctx.caller)
    return [PersonType(record=person, viewer=viewer) for person in found]
