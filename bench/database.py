"""The benchmark's own database, the salon arranged in it, and the committer of status changes."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db import bookings, migrate, people, services
from salonbook.db.engine import unit_of_work
from salonbook.db.people import Person
from salonbook.db.services import Service
from salonbook.db.urls import async_url, plain_url
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus

T = TypeVar("T")


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    """SQLAlchemy form (postgresql+asyncpg://), also what the server gets as DATABASE_URL."""
    dsn: str
    """The form asyncpg.connect takes."""
    where: str
    """For the report: which server it lives on."""


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(plain_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.asynccontextmanager
async def throwaway_database(server_url: str) -> AsyncIterator[BenchDatabase]:
    """A new database `salonbook_bench_<random>` on the server of `server_url`, dropped after."""
    name = f"salonbook_bench_{secrets.token_hex(4)}"
    maintenance = await asyncpg.connect(plain_url(server_url))
    try:
        await maintenance.execute(f'CREATE DATABASE "{name}"')
    finally:
        await maintenance.close()
    dsn = _with_database(server_url, name)
    parts = urlsplit(dsn)
    try:
        yield BenchDatabase(async_url(dsn), dsn, f"{parts.hostname}:{parts.port} (DATABASE_URL)")
    finally:
        maintenance = await asyncpg.connect(plain_url(server_url))
        try:
            await maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await maintenance.close()


@contextlib.asynccontextmanager
async def embedded_database() -> AsyncIterator[BenchDatabase]:
    """A fresh embedded PostgreSQL cluster in a temporary directory, removed after."""
    from salonbook.db.embedded import start_embedded

    data_dir = Path(tempfile.mkdtemp(prefix="salonbook-bench-"))
    try:
        embedded = await asyncio.to_thread(start_embedded, data_dir=data_dir, fresh=True)
        try:
            yield BenchDatabase(embedded.url, embedded.dsn, "embedded PostgreSQL")
        finally:
            await asyncio.to_thread(embedded.stop)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextlib.asynccontextmanager
async def bench_database(database_url: str | None) -> AsyncIterator[BenchDatabase]:
    """A migrated database of our own: throwaway on DATABASE_URL's server, else embedded."""
    opened = throwaway_database(database_url) if database_url else embedded_database()
    async with opened as database:
        await migrate.upgrade(database.url)
        yield database


@dataclass
class Salon:
    """One stylist whose bookings are watched, an admin, the system actor, customers."""

    stylist: Person
    admin: Person
    system: Person
    customers: list[Person]
    service: Service
    first_slot: datetime
    slots_used: int = field(default=0)


async def arrange_salon(engine: AsyncEngine, *, customers: int = 10) -> Salon:
    now = datetime.now(UTC)
    async with unit_of_work(engine) as connection:

        async def person(role: Role, name: str) -> Person:
            return await people.upsert(
                connection,
                person_id=uuid.uuid4(),
                role=role,
                display_name=name,
                email=None,
                phone=None,
                now=now,
            )

        stylist = await person(Role.STYLIST, "Bench Stylist")
        admin = await person(Role.ADMIN, "Bench Admin")
        system = await person(Role.SYSTEM, "Bench Payments")
        clients = [await person(Role.CUSTOMER, f"Bench Customer {i}") for i in range(customers)]
        service = await services.upsert(
            connection,
            service=Service(uuid.uuid4(), "Bench Cut", 30, 4500, "EUR", active=True),
            now=now,
        )
    first_slot = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return Salon(stylist, admin, system, clients, service, first_slot)


async def arrange_bookings(engine: AsyncEngine, salon: Salon, count: int) -> list[uuid.UUID]:
    """`count` PENDING bookings of the salon's stylist in slots of their own (their CREATED
    events are committed now, before any subscriber of the run listens)."""
    now = datetime.now(UTC)
    made = []
    duration = timedelta(minutes=salon.service.duration_minutes)
    async with unit_of_work(engine) as connection:
        for _ in range(count):
            start = salon.first_slot + timedelta(hours=salon.slots_used)
            salon.slots_used += 1
            booking = await bookings.create(
                connection,
                booking_id=uuid.uuid4(),
                customer_id=salon.customers[salon.slots_used % len(salon.customers)].id,
                stylist_id=salon.stylist.id,
                service_id=salon.service.id,
                start=start,
                end=start + duration,
                price_cents=salon.service.price_cents,
                currency=salon.service.currency,
                now=now,
            )
            made.append(booking.id)
    return made


# The one status-change path, as salonbook/db/bookings.py calls it: a payment confirms.
_CONFIRM = f"""
SELECT history_id, event_id, new_version FROM change_booking_status(
    $1, '{BookingAction.CONFIRM}', '{BookingStatus.PENDING}', '{BookingStatus.CONFIRMED}',
    $2, '{Role.SYSTEM}', NULL, NULL, NULL, $3, NULL, NULL)
"""


@dataclass(frozen=True, slots=True)
class Commit:
    booking_id: str
    event_id: int
    at: float
    """time.perf_counter() right after COMMIT returned."""


class Committer:
    """Commits status changes from a thread with its own event loop and connection, so the
    commit timestamps are not delayed by the thousands of sockets the main loop serves."""

    def __init__(self, dsn: str, *, system_id: uuid.UUID) -> None:
        self._dsn = dsn
        self._system_id = system_id
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="bench-committer", daemon=True
        )
        self._connection: Any = None

    async def __aenter__(self) -> Committer:
        self._thread.start()
        self._connection = await self._call(asyncpg.connect(self._dsn))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self._connection is not None:
                await self._call(self._connection.close(timeout=5))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 10)
            if not self._thread.is_alive():
                self._loop.close()

    async def confirm(self, booking_ids: Sequence[uuid.UUID], *, spacing: float) -> list[Commit]:
        """Confirm each booking in its own transaction, `spacing` seconds after the previous
        commit returned; in this order."""
        return await self._call(self._confirm_all(booking_ids, spacing))

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def _confirm_all(self, booking_ids: Sequence[uuid.UUID], spacing: float) -> list[Commit]:
        commits = []
        due = time.perf_counter()
        for booking_id in booking_ids:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            async with self._connection.transaction():
                row = await self._connection.fetchrow(
                    _CONFIRM, booking_id, self._system_id, datetime.now(UTC)
                )
            at = time.perf_counter()
            commits.append(Commit(str(booking_id), row["event_id"], at))
            due = at + spacing
        return commits
