"""The booking reads: one booking, and pages of them."""

from __future__ import annotations

from uuid import UUID

from salonbook.db import bookings, pages
from salonbook.db.bookings import Booking
from salonbook.db.engine import reading
from salonbook.db.pages import BookingQuery, Position
from salonbook.domain.errors import NotFound, ValidationFailed
from salonbook.domain.model import can_view
from salonbook.use_cases.deps import Caller, Deps

PAGE_LIMIT = 50


async def booking(deps: Deps, caller: Caller, *, booking_id: UUID) -> Booking:
    actor = caller.require_actor()
    async with reading(deps.engine) as connection:
        found = await bookings.load(connection, booking_id=booking_id)
    if found is None or not can_view(actor, found.facts):
        raise NotFound("booking not found")
    return found


async def booking_page(
    deps: Deps, caller: Caller, *, where: BookingQuery, after: Position | None, first: int
) -> tuple[list[Booking], bool]:
    """Up to `first` bookings after the position, and whether more follow."""
    actor = caller.require_actor()
    if not 0 <= first <= PAGE_LIMIT:
        raise ValidationFailed(f"first must be 0 to {PAGE_LIMIT}", field="first")
    size = first
    async with reading(deps.engine) as connection:
        rows = await pages.page(connection, viewer=actor, where=where, after=after, limit=size + 1)
    return rows[:size], len(rows) > size
