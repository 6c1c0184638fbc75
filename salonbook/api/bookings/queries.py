"""The booking queries: `booking(id)` and `bookings`, a page of those the viewer may see."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import strawberry
from strawberry.types.nodes import FragmentSpread, SelectedField, Selection

from salonbook.api.bookings.connection import (
    BookingConnection,
    BookingEdge,
    PageInfo,
    decode_cursor,
    encode_cursor,
)
from salonbook.api.bookings.filter import BookingFilter, page_query
from salonbook.api.bookings.types import BookingType
from salonbook.api.context import Info
from salonbook.db import outbox
from salonbook.db.loaders import prefetch
from salonbook.domain.errors import NotFound
from salonbook.realtime.cursor import EventCursor
from salonbook.realtime.delivery import StreamParts
from salonbook.use_cases import queries


@strawberry.field
async def booking(info: Info, id: strawberry.ID) -> BookingType | None:
    ctx = info.context
    viewer = ctx.caller.require_actor()
    try:
        booking_id = UUID(str(id))
    except ValueError:
        raise NotFound("booking not found") from None
    record = await queries.booking(ctx.deps, ctx.caller, booking_id=booking_id)
    return BookingType(record=record, viewer=viewer)


@strawberry.field(description="Ordered by startTime, then id; at most 50 per page.")
async def bookings(
    info: Info,
    first: int = 50,
    after: str | None = None,
    filter: BookingFilter | None = None,
) -> BookingConnection:
    ctx = info.context
    viewer = ctx.caller.require_actor()
    selected = _selected_names(info.selected_fields)
    # taken before the page is read: a change committed in between is then replayed, not lost
    events_cursor = await events_cursor_now(ctx.stream) if "eventsCursor" in selected else None
    rows, more = await queries.booking_page(
        ctx.deps,
        ctx.caller,
        where=page_query(filter),
        after=decode_cursor(after) if after is not None else None,
        first=first,
    )
    await prefetch(ctx.loaders, rows, fields=selected)
    edges = [
        BookingEdge(
            cursor=encode_cursor(row.facts.start, row.id),
            node=BookingType(record=row, viewer=viewer),
        )
        for row in rows
    ]
    return BookingConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        events_cursor=events_cursor,
    )


async def events_cursor_now(stream: StreamParts | None) -> str | None:
    """A subscription cursor for this moment: everything committed so far counts as seen."""
    if stream is None:
        return None
    now = await outbox.current_snapshot(stream.engine)
    return stream.cursors.encode(EventCursor(now, now, 0, stream.clock.now()))


def _selected_names(selections: Sequence[Selection]) -> set[str]:
    """Every field name selected below, at any depth (fragment names too: harmless)."""
    names: set[str] = set()
    for selection in selections:
        names.add(selection.name if isinstance(selection, SelectedField | FragmentSpread) else "")
        names |= _selected_names(selection.selections)
    return names
