"""bookingEvents: the events of the bookings the subscriber may see, replayed, then live."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from salonbook.api.context import Info
from salonbook.api.input_fields import parse_id
from salonbook.api.subscriptions.closing import TRY_AGAIN_LATER, close_code
from salonbook.api.subscriptions.events import BookingEvent, BookingEventFilter
from salonbook.api.subscriptions.transport import live_sink, try_again_later
from salonbook.domain.errors import NotFound
from salonbook.realtime.delivery import booking_events as events_of
from salonbook.realtime.types import Delivery


@strawberry.subscription(
    description="Events of the bookings the subscriber may see, in commit order. `after` "
    "replays what was missed, then goes live."
)
async def booking_events(
    info: Info,
    filter: BookingEventFilter | None = None,
    after: str | None = None,
) -> AsyncGenerator[BookingEvent, None]:
    ctx = info.context
    viewer = ctx.caller.require_actor()
    stream = ctx.stream
    if stream is None:
        raise NotFound("realtime events are not available on this server")
    cursors = stream.cursors
    cursor = cursors.decode(after) if after is not None else None
    where = filter or BookingEventFilter()

    def event(delivery: Delivery) -> BookingEvent:
        return BookingEvent(item=delivery, viewer=viewer, cursors=cursors)

    items = events_of(
        stream,
        viewer=viewer,
        booking_id=parse_id(where.booking_id, field="bookingId") if where.booking_id else None,
        stylist_id=parse_id(where.stylist_id, field="stylistId") if where.stylist_id else None,
        after=cursor,
        sink=live_sink(viewer, event),
    )
    try:
        async for item in items:
            yield BookingEvent(item=item, viewer=viewer, cursors=cursors)
    except Exception as error:  # no slot for its database work, or the database away
        if close_code(error) != TRY_AGAIN_LATER or not await try_again_later(error):
            raise  # our bug (an error, then 1011), or over another transport than ours
