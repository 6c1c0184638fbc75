"""The response of a planned read, assembled from the statement's rows: per booking its record
(db/bookings.py), the nested objects PostgreSQL built spliced in as they are (orjson.Fragment),
and what the domain computes in Python (availableActions, suggestedAction, who reads notes)
from the same functions the resolvers call. Values are what strawberry serializes: IDs as
text, enums by name, DateTime by `isoformat()`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from salonbook.api.bookings.connection import encode_cursor
from salonbook.api.notes.markdown import render_note
from salonbook.api.planned.selection import TYPENAME, Selected
from salonbook.api.planned.sql import IN_SQL, column_of
from salonbook.db.bookings import Booking
from salonbook.domain import actions
from salonbook.domain.changes import can_read_notes, outside_hours_reason
from salonbook.domain.model import Actor, Windows


@dataclass(frozen=True, slots=True)
class Viewing:
    viewer: Actor
    now: datetime
    windows: Windows


@dataclass(frozen=True, slots=True)
class Row:
    booking: Booking
    record: Any
    """The statement's row: the nested fields' JSON, by column_of."""


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    more: bool
    after_given: bool
    events_cursor: str | None


Field = Callable[[Any, Selected, Viewing], object]


def render(
    type_name: str, source: object, fields: tuple[Selected, ...], viewing: Viewing
) -> dict[str, object]:
    table = FIELDS[type_name]
    return {
        s.key: type_name if s.name == TYPENAME else table[s.name](source, s, viewing)
        for s in fields
    }


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _cursor(row: Row) -> str:
    return encode_cursor(row.booking.facts.start, row.booking.id)


def _edges(page: Page, s: Selected, viewing: Viewing) -> list[dict[str, object]]:
    return [render("BookingEdge", row, s.children, viewing) for row in page.rows]


def _in_sql(row: Row, s: Selected, _: Viewing) -> orjson.Fragment:
    return orjson.Fragment(row.record[column_of(s)])


def _notes(row: Row, s: Selected, viewing: Viewing) -> list[dict[str, object]] | None:
    if not can_read_notes(viewing.viewer, row.booking.facts):
        return None
    notes = orjson.loads(row.record[column_of(s)])
    return [render("StylistNote", note, s.children, viewing) for note in notes]


def _available(row: Row, s: Selected, viewing: Viewing) -> list[dict[str, object]]:
    found = actions.available_actions(
        actor=viewing.viewer, booking=row.booking.facts, now=viewing.now, windows=viewing.windows
    )
    return [render("AvailableAction", action, s.children, viewing) for action in found]


def _suggested(row: Row, _: Selected, viewing: Viewing) -> str | None:
    action = actions.suggested_action(
        actor=viewing.viewer, booking=row.booking.facts, now=viewing.now, windows=viewing.windows
    )
    return None if action is None else action.name


def _cancellation(row: Row, s: Selected, viewing: Viewing) -> dict[str, object] | None:
    if row.booking.refund_policy is None:
        return None
    return render("Cancellation", row.booking, s.children, viewing)


def _booking(read: Callable[[Booking], object]) -> Field:
    return lambda row, _s, _v: read(row.booking)


_BOOKING: dict[str, Field] = {
    "id": _booking(lambda b: str(b.id)),
    "status": _booking(lambda b: b.facts.status.name),
    "startTime": _booking(lambda b: b.facts.start.isoformat()),
    "endTime": _booking(lambda b: b.facts.end.isoformat()),
    "version": _booking(lambda b: b.facts.version),
    "priceCents": _booking(lambda b: b.facts.price_cents),
    "currency": _booking(lambda b: b.currency),
    "createdAt": _booking(lambda b: b.created_at.isoformat()),
    "updatedAt": _booking(lambda b: b.updated_at.isoformat()),
    "cancellation": _cancellation,
    "outsideHoursReason": lambda row, _s, viewing: outside_hours_reason(
        viewing.viewer, row.booking.outside_hours_reason
    ),
    "availableActions": _available,
    "suggestedAction": _suggested,
    "notes": _notes,
    **{name: _in_sql for name in IN_SQL - {"notes"}},
}

FIELDS: Mapping[str, Mapping[str, Field]] = {
    "BookingConnection": {
        "edges": _edges,
        "pageInfo": lambda page, s, v: render("PageInfo", page, s.children, v),
        "eventsCursor": lambda page, _s, _v: page.events_cursor,
    },
    "BookingEdge": {
        "cursor": lambda row, _s, _v: _cursor(row),
        "node": lambda row, s, v: render("Booking", row, s.children, v),
    },
    "PageInfo": {
        "hasNextPage": lambda page, _s, _v: page.more,
        "hasPreviousPage": lambda page, _s, _v: page.after_given,
        "startCursor": lambda page, _s, _v: _cursor(page.rows[0]) if page.rows else None,
        "endCursor": lambda page, _s, _v: _cursor(page.rows[-1]) if page.rows else None,
    },
    "Booking": _BOOKING,
    "Cancellation": {
        "reason": lambda b, _s, _v: b.cancel_reason,
        "actorRole": lambda b, _s, _v: b.cancel_actor_role.name if b.cancel_actor_role else None,
        "refundPolicy": lambda b, _s, _v: b.refund_policy.name,
        "refundCents": lambda b, _s, _v: b.refund_cents or 0,
    },
    "AvailableAction": {
        "action": lambda a, _s, _v: a.action.name,
        "requiresReason": lambda a, _s, _v: a.requires_reason,
        "requiresConfirmation": lambda a, _s, _v: a.requires_confirmation,
        "warning": lambda a, _s, _v: a.warning,
        "availableUntil": lambda a, _s, _v: _time(a.available_until),
    },
    # availability: computed by its use case, only assembled here (no statement of its own)
    "StylistAvailability": {
        "stylistId": lambda found, _s, _v: str(found.stylist_id),
        "slots": lambda found, s, v: [
            render("AvailableSlot", slot, s.children, v) for slot in found.slots
        ],
    },
    "AvailableSlot": {
        "start": lambda slot, _s, _v: slot.start.isoformat(),
        "localDate": lambda slot, _s, _v: slot.local.date().isoformat(),
        "localStart": lambda slot, _s, _v: slot.local.isoformat(),
    },
    "StylistNote": {  # from the statement's raw note (sql.py), the HTML rendered here
        "id": lambda n, _s, _v: n["id"],
        "authorId": lambda n, _s, _v: n["authorId"],
        "body": lambda n, _s, _v: n["body"],
        "bodyHtml": lambda n, _s, _v: render_note(n["body"]),
        "redacted": lambda n, _s, _v: n["redacted"],
        "createdAt": lambda n, _s, _v: n["createdAt"],
    },
}
"""The types assembled in Python, their fields."""
