"""Per-request DataLoaders: nested fields of a page cost one query per kind, not per row."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence, Set
from functools import cached_property
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


class Loaders:
    """Each loader is made on first use: most operations touch one or two of them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @cached_property
    def booking(self) -> DataLoader[UUID, Booking | None]:
        return _loader(self.engine, lambda c, ids: bookings.load_many(c, ids=ids))

    @cached_property
    def person(self) -> DataLoader[UUID, Person | None]:
        return _loader(self.engine, lambda c, ids: people.load_many(c, ids=ids))

    @cached_property
    def service(self) -> DataLoader[UUID, Service | None]:
        return _loader(self.engine, lambda c, ids: services.load_many(c, ids=ids))

    @cached_property
    def status_history(self) -> DataLoader[UUID, list[StatusChangeRecord] | None]:
        return _loader(
            self.engine, lambda c, ids: history.for_bookings(c, booking_ids=ids), default=list
        )

    @cached_property
    def status_change(self) -> DataLoader[int, StatusChangeRecord | None]:
        return _loader(self.engine, lambda c, ids: history.load_many(c, ids=ids))

    @cached_property
    def notes(self) -> DataLoader[UUID, list[Note] | None]:
        return _loader(
            self.engine, lambda c, ids: notes.for_bookings(c, booking_ids=ids), default=list
        )

    @cached_property
    def note(self) -> DataLoader[UUID, Note | None]:
        return _loader(self.engine, lambda c, ids: notes.load_many(c, ids=ids))

    @cached_property
    def reschedules(self) -> DataLoader[UUID, list[Reschedule] | None]:
        return _loader(
            self.engine, lambda c, ids: reschedules.for_bookings(c, booking_ids=ids), default=list
        )

    @cached_property
    def reschedule(self) -> DataLoader[int, Reschedule | None]:
        return _loader(self.engine, lambda c, ids: reschedules.load_many(c, ids=ids))


async def prefetch(loaders: Loaders, page: Sequence[Booking], *, fields: Set[str]) -> None:
    """Load what the page's nested fields will ask for (by their GraphQL names), one query per
    kind, before they ask: they then answer at once instead of each with an awaitable."""
    waits: list[Awaitable[object]] = []
    if fields & {"customer", "stylist"}:
        people_ids = {b.facts.customer_id for b in page} | {b.facts.stylist_id for b in page}
        waits.append(loaders.person.load_many(people_ids))
    if "service" in fields:
        waits.append(loaders.service.load_many({b.service_id for b in page}))
    if "statusHistory" in fields:
        waits.append(loaders.status_history.load_many([b.id for b in page]))
    await asyncio.gather(*waits)
