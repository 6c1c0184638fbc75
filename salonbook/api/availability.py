"""`availability`: the free start times of a service, per stylist, in UTC with the salon's local
date and time beside each (docs/schedules.md#availability)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from salonbook.api.context import Info
from salonbook.api.people.types import PersonType
from salonbook.db.people import Person as PersonRecord
from salonbook.domain.availability import Slot
from salonbook.domain.errors import NotFound
from salonbook.domain.model import Actor
from salonbook.domain.schedules import AVAILABILITY_RANGE_MAX
from salonbook.use_cases import availability as use_case


@strawberry.type
class AvailableSlot:
    slot: strawberry.Private[Slot]

    @strawberry.field(description="The start, in UTC.")
    def start(self) -> datetime:
        return self.slot.start

    @strawberry.field(description="The start's date in the salon's time zone.")
    def local_date(self) -> date:
        return self.slot.local.date()

    @strawberry.field(
        description="The start in the salon's time zone with its offset, e.g."
        ' "2026-10-25T02:30:00+01:00" (in a repeated hour the offset tells the two apart).'
    )
    def local_start(self) -> str:
        return self.slot.local.isoformat()


@strawberry.type
class StylistAvailability:
    found: strawberry.Private[use_case.StylistSlots]
    viewer: strawberry.Private[Actor]

    @strawberry.field
    def stylist_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.found.stylist_id))

    @strawberry.field
    async def stylist(self, info: Info) -> PersonType | None:
        found: PersonRecord | None = await info.context.loaders.person.load(self.found.stylist_id)
        return None if found is None else PersonType(record=found, viewer=self.viewer)

    @strawberry.field
    def slots(self) -> list[AvailableSlot]:
        return [AvailableSlot(slot=slot) for slot in self.found.slots]


def _id(value: strawberry.ID, *, what: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found") from None


@strawberry.field(
    description="Free start times of the service in [from, to), per stylist: any signed-in"
    f" viewer; at most {AVAILABILITY_RANGE_MAX.days} days, a past `from` counts from now;"
    " without stylistId every stylist, ordered as `stylists`. A time listed is bookable unless"
    " taken in between (then createBooking answers SLOT_UNAVAILABLE)."
)
async def availability(
    info: Info,
    service_id: strawberry.ID,
    from_: Annotated[datetime, strawberry.argument(name="from")],
    to: datetime,
    stylist_id: strawberry.ID | None = None,
) -> list[StylistAvailability]:
    ctx = info.context
    viewer = ctx.caller.require_actor()
    found = await use_case.availability(
        ctx.deps,
        ctx.caller,
        service_id=_id(service_id, what="service"),
        start=from_,
        end=to,
        stylist_id=None if stylist_id is None else _id(stylist_id, what="stylist"),
    )
    return [StylistAvailability(found=entry, viewer=viewer) for entry in found]
