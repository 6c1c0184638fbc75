"""The bookings a new time off or closure leaves inside it, as the caller sees them."""

from __future__ import annotations

from uuid import UUID

from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info


async def affected_bookings(info: Info, ids: list[UUID]) -> list[BookingType]:
    """The bookings by id, as the caller (an admin, or the stylist whose they are) sees them."""
    viewer = info.context.caller.require_actor()
    found = await info.context.loaders.booking.load_many(ids)
    return [BookingType(record=record, viewer=viewer) for record in found if record is not None]
