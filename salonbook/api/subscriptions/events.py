"""The realtime wire format: BookingEvent, its kinds and the subscription's filter."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry

from salonbook.api.bookings.changes import BookingReschedule, BookingStatusChange
from salonbook.api.bookings.types import BookingType
from salonbook.api.notes.types import StylistNote
from salonbook.api.schedules.types import ScheduleChangeNotice
from salonbook.domain.model import Actor
from salonbook.realtime.cursor import CursorCodec
from salonbook.realtime.types import Delivery, Resync


@strawberry.enum
class BookingEventKind(enum.Enum):
    CREATED = "CREATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    RESCHEDULED = "RESCHEDULED"
    NOTE_ADDED = "NOTE_ADDED"
    DELETED = "DELETED"
    SCHEDULE_CHANGED = "SCHEDULE_CHANGED"
    RESYNC_REQUIRED = "RESYNC_REQUIRED"


@strawberry.input
class BookingEventFilter:
    booking_id: strawberry.ID | None = None
    stylist_id: strawberry.ID | None = None


@strawberry.type
class BookingEvent:
    item: strawberry.Private[Delivery | Resync]
    viewer: strawberry.Private[Actor]
    cursors: strawberry.Private[CursorCodec]

    @property
    def shared_results(self) -> dict[Any, Any] | None:
        """Where results for this event are shared between subscribers of one audience."""
        return self.item.results if isinstance(self.item, Delivery) else None

    @strawberry.field(description="Pass as `after` to resume right after this event.")
    def cursor(self) -> str:
        return self.cursors.encode(self.item.cursor)

    @strawberry.field
    def kind(self) -> BookingEventKind:
        if isinstance(self.item, Resync):
            return BookingEventKind.RESYNC_REQUIRED
        return BookingEventKind(self.item.event.kind.value)

    @strawberry.field
    def occurred_at(self) -> datetime:
        if isinstance(self.item, Resync):
            return self.item.occurred_at
        return self.item.event.occurred_at

    @strawberry.field(description="Null for RESYNC_REQUIRED and SCHEDULE_CHANGED.")
    def booking_id(self) -> strawberry.ID | None:
        if isinstance(self.item, Resync) or self.item.event.booking_id is None:
            return None
        return strawberry.ID(str(self.item.event.booking_id))

    @strawberry.field(description="The booking as it is now; null once deleted.")
    async def booking(self) -> BookingType | None:
        if isinstance(self.item, Resync) or self.item.event.booking_id is None:
            return None
        loaders = self.item.loaders
        record = await loaders.booking.load(self.item.event.booking_id)
        if record is None:
            return None
        return BookingType(record=record, viewer=self.viewer, shared=loaders)

    @strawberry.field
    async def status_change(self) -> BookingStatusChange | None:
        if isinstance(self.item, Resync) or self.item.event.status_change_id is None:
            return None
        change = await self.item.loaders.status_change.load(self.item.event.status_change_id)
        return BookingStatusChange(record=change, viewer=self.viewer) if change else None

    @strawberry.field(description="NOTE_ADDED only; never sent to customers.")
    async def note(self) -> StylistNote | None:
        if isinstance(self.item, Resync) or self.item.event.note_id is None:
            return None
        found = await self.item.loaders.note.load(self.item.event.note_id)
        return StylistNote(record=found) if found else None

    @strawberry.field(description="RESCHEDULED only: the old and the new times.")
    async def reschedule(self) -> BookingReschedule | None:
        if isinstance(self.item, Resync) or self.item.event.reschedule_id is None:
            return None
        found = await self.item.loaders.reschedule.load(self.item.event.reschedule_id)
        return BookingReschedule(record=found, viewer=self.viewer) if found else None

    @strawberry.field(
        description="SCHEDULE_CHANGED only: which kind of change, and whose (null: salon-wide)."
    )
    def schedule_change(self) -> ScheduleChangeNotice | None:
        if isinstance(self.item, Resync) or self.item.event.schedule_change_id is None:
            return None
        event = self.item.event
        if event.schedule_kind is None:
            return None
        stylist_id = None if event.stylist_id is None else strawberry.ID(str(event.stylist_id))
        return ScheduleChangeNotice(kind=event.schedule_kind, stylist_id=stylist_id)
