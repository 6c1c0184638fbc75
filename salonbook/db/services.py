"""The salon's services (what can be booked, how long it takes, what it costs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.tables import services


@dataclass(frozen=True, slots=True)
class Service:
    id: UUID
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    active: bool
    buffer_minutes: int = 0
    """Busy time after each booking (0 to domain.schedules.BUFFER_MINUTES_MAX)."""


def _service(row: Row[Any]) -> Service:
    return Service(
        id=row.id,
        name=row.name,
        duration_minutes=row.duration_minutes,
        price_cents=row.price_cents,
        currency=row.currency,
        active=row.active,
        buffer_minutes=row.buffer_minutes,
    )


async def list_services(connection: AsyncConnection, *, include_inactive: bool) -> list[Service]:
    query = select(services).order_by(services.c.name, services.c.id)
    if not include_inactive:
        query = query.where(services.c.active)
    return [_service(row) for row in await connection.execute(query)]


async def load_many(connection: AsyncConnection, *, ids: Sequence[UUID]) -> dict[UUID, Service]:
    rows = await connection.execute(select(services).where(services.c.id.in_(ids)))
    return {row.id: _service(row) for row in rows}


async def upsert(
    connection: AsyncConnection, *, service: Service, now: datetime, keep_buffer: bool = False
) -> Service:
    """Add or replace the service; `keep_buffer`: a service already there keeps its buffer
    (a new one gets `service.buffer_minutes`)."""
    values = {
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "price_cents": service.price_cents,
        "currency": service.currency,
        "active": service.active,
    }
    buffer = {"buffer_minutes": service.buffer_minutes}
    statement = (
        insert(services)
        .values(id=service.id, created_at=now, updated_at=now, **values, **buffer)
        .on_conflict_do_update(
            index_elements=[services.c.id],
            set_={**values, **({} if keep_buffer else buffer), "updated_at": now},
        )
        .returning(*services.c)
    )
    return _service((await connection.execute(statement)).one())
