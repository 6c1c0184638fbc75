"""The bookings page as a Relay connection, and its cursors."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from uuid import UUID

import strawberry

from salonbook.api.bookings.types import BookingType
from salonbook.db.pages import Position
from salonbook.domain import bounds
from salonbook.domain.errors import ValidationFailed


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
    events_cursor: str | None = strawberry.field(
        default=None,
        description=(
            "Pass as `bookingEvents(after:)` to receive every change committed since this page"
            " was read: none missed, though one the page already shows may come again (a"
            " booking's `version` tells). Null where the server delivers no events."
        ),
    )


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
