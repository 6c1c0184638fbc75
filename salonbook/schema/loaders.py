"""Per-request DataLoaders: nested fields of a page cost one query per kind, not per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from salonbook.db import bookings, history, notes, people, reschedules, services
from salonbook.db.bookings import Booking
from salonbook.db.engine import reading
from salonbook.db.history import StatusChangeRecord
from salonbook.db.notes import Note
from salonbook.db.people import Person
from salonbook.db.reschedules import Reschedule
from salonbook.db.services import Service

K = TypeVar("K")
V = TypeVar("V")


def _loader(
    engine: AsyncEngine,
    fetch: Callable[[AsyncConnection, Sequence[K]], Awaitable[dict[K, V]]],
    *,
    default: Callable[[], V | None] = lambda: None,
) -> DataLoader[K, V | None]:
    async def load(keys: list[K]) -> list[V | None]:
        async with reading(engine) as connection:  # its own connection: never shared
            found = await fetch(connection, keys)
        return [found.get(key, default()) for key in keys]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    engine: AsyncEngine
    booking: DataLoader[UUID, Booking | None] = field(init=False)
    person: DataLoader[UUID, Person | None] = field(init=False)
    service: DataLoader[UUID, Service | None] = field(init=False)
    status_history: DataLoader[UUID, list[StatusChangeRecord] | None] = field(init=False)
    status_change: DataLoader[int, StatusChangeRecord | None] = field(init=False)
    notes: DataLoader[UUID, list[Note] | None] = field(init=False)
    note: DataLoader[UUID, Note | None] = field(init=False)
    reschedules: DataLoader[UUID, list[Reschedule] | None] = field(init=False)
    reschedule: DataLoader[int, Reschedule | None] = field(init=False)

    def __post_init__(self) -> None:
        self.booking = _loader(self.engine, lambda c, ids: bookings.load_many(c, ids=ids))
        self.person = _loader(self.engine, lambda c, ids: people.load_many(c, ids=ids))
        self.service = _loader(self.engine, lambda c, ids: services.load_many(c, ids=ids))
        self.status_history = _loader(
            self.engine,
            lambda c, ids: history.for_bookings(c, booking_ids=ids),
            default=list,
        )
        self.status_change = _loader(self.engine, lambda c, ids: history.load_many(c, ids=ids))
        self.notes = _loader(
            self.engine, lambda c, ids: notes.for_bookings(c, booking_ids=ids), default=list
        )
        self.note = _loader(self.engine, lambda c, ids: notes.load_many(c, ids=ids))
        self.reschedules = _loader(
            self.engine, lambda c, ids: reschedules.for_bookings(c, booking_ids=ids), default=list
        )
        self.reschedule = _loader(self.engine, lambda c, ids: reschedules.load_many(c, ids=ids))
