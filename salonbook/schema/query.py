"""Queries: me, booking, bookings (a Relay connection), services."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

import strawberry
from strawberry.types.nodes import FragmentSpread, SelectedField, Selection

from salonbook.db.pages import BookingQuery, Position
from salonbook.domain import bounds
from salonbook.domain.errors import NotFound, ValidationFailed
from salonbook.domain.start_times import filter_bound
from salonbook.schema.context import Info
from salonbook.schema.inputs import BookingFilter, parse_id
from salonbook.schema.loaders import prefetch
from salonbook.schema.types import BookingType, PersonType, ServiceType
from salonbook.use_cases import catalog, directory, queries


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class BookingEdge:
    cursor: str
    node: BookingType


@strawberry.type
class BookingConnection:
    edges: list[BookingEdge]
    page_info: PageInfo


def encode_cursor(start: datetime, booking_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{start.isoformat()}|{booking_id}".encode()).decode()


_PAGE_CURSOR = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def decode_cursor(cursor: str) -> Position:
    """A page cursor is only a position: not signed, as one a client makes up shows nothing
    more than `startsAfter` would (the page is still limited to what the viewer may see)."""
    refused = ValidationFailed("after is not a cursor from this API", field="after")
    if len(cursor) > bounds.CURSOR_MAX or not _PAGE_CURSOR.fullmatch(cursor):
        raise refused
    try:
        start, booking_id = base64.urlsafe_b64decode(cursor).decode().split("|")
        start_time = datetime.fromisoformat(start)
        if start_time.tzinfo is None:
            raise refused
        # in UTC, as the driver sends it: a time that leaves datetime's range fails here
        return Position(start=start_time.astimezone(UTC), booking_id=UUID(booking_id))
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise refused from None


def _filter(where: BookingFilter | None) -> BookingQuery:
    if where is None:
        return BookingQuery()
    return BookingQuery(
        statuses=tuple(where.statuses) if where.statuses else None,
        stylist_id=parse_id(where.stylist_id, field="stylistId") if where.stylist_id else None,
        customer_id=parse_id(where.customer_id, field="customerId") if where.customer_id else None,
        starts_after=filter_bound(where.starts_after) if where.starts_after else None,
        starts_before=filter_bound(where.starts_before) if where.starts_before else None,
    )


def _selected_names(selections: Sequence[Selection]) -> set[str]:
    """Every field name selected below, at any depth (fragment names too: harmless)."""
    names: set[str] = set()
    for selection in selections:
        names.add(selection.name if isinstance(selection, SelectedField | FragmentSpread) else "")
        names |= _selected_names(selection.selections)
    return names


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in person; null without a token.")
    async def me(self, info: Info) -> PersonType | None:
        caller = info.context.caller
        found = await directory.me(info.context.deps, caller)
        if found is None or caller.actor is None:
            return None
        return PersonType(record=found, viewer=caller.actor)

    @strawberry.field
    async def booking(self, info: Info, id: strawberry.ID) -> BookingType | None:
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
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: BookingFilter | None = None,
    ) -> BookingConnection:
        ctx = info.context
        viewer = ctx.caller.require_actor()
        rows, more = await queries.booking_page(
            ctx.deps,
            ctx.caller,
            where=_filter(filter),
            after=decode_cursor(after) if after is not None else None,
            first=first,
        )
        await prefetch(ctx.loaders, rows, fields=_selected_names(info.selected_fields))
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
        )

    @strawberry.field
    async def services(self, info: Info) -> list[ServiceType]:
        found = await catalog.list_services(info.context.deps, info.context.caller)
        return [ServiceType(record=service) for service in found]
