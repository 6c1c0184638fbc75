"""Arranging working time straight in the database (the salon's settings, a stylist's hours,
time off, closures, a service's buffer), and putting the salon-wide part back afterwards: the
salon's settings are one row that every test of a session shares."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.engine import unit_of_work

Week = dict[str, list[list[str]]]
"""Weekly hours as stored: {"MONDAY": [["09:00", "17:00"]], ...}."""


async def _run(engine: AsyncEngine, statement: str, **values: Any) -> None:
    async with unit_of_work(engine) as connection:
        await connection.execute(text(statement), values)


async def set_salon(
    engine: AsyncEngine, *, time_zone: str = "UTC", slot_minutes: int = 15, opening: Week | None
) -> None:
    await _run(
        engine,
        "UPDATE salon_settings SET time_zone = :zone, slot_minutes = :slot,"
        " opening_hours = CAST(:opening AS jsonb), version = version + 1 WHERE id = 1",
        zone=time_zone,
        slot=slot_minutes,
        opening=None if opening is None else json.dumps(opening),
    )


async def set_hours(
    engine: AsyncEngine, stylist_id: UUID, hours: Week | None, *, outside: bool = False
) -> None:
    await _run(
        engine,
        "INSERT INTO stylist_schedules (stylist_id, working_hours, outside_opening_hours,"
        " updated_at) VALUES (:stylist, CAST(:hours AS jsonb), :outside, now())"
        " ON CONFLICT (stylist_id) DO UPDATE SET working_hours = excluded.working_hours,"
        " outside_opening_hours = excluded.outside_opening_hours, version ="
        " stylist_schedules.version + 1",
        stylist=stylist_id,
        hours=None if hours is None else json.dumps(hours),
        outside=outside,
    )


async def add_time_off(
    engine: AsyncEngine, stylist_id: UUID, start: datetime, end: datetime, *, by: UUID
) -> UUID:
    found = uuid.uuid4()
    await _run(
        engine,
        "INSERT INTO time_off (id, stylist_id, start_time, end_time, reason, created_by,"
        " created_at) VALUES (:id, :stylist, :start, :end, 'arranged', :by, now())",
        id=found,
        stylist=stylist_id,
        start=start,
        end=end,
        by=by,
    )
    return found


async def add_closure(engine: AsyncEngine, start: datetime, end: datetime, *, by: UUID) -> UUID:
    found = uuid.uuid4()
    await _run(
        engine,
        "INSERT INTO closures (id, start_time, end_time, reason, created_by, created_at)"
        " VALUES (:id, :start, :end, 'arranged', :by, now())",
        id=found,
        start=start,
        end=end,
        by=by,
    )
    return found


async def set_buffer(engine: AsyncEngine, service_id: UUID, minutes: int) -> None:
    await _run(
        engine, "UPDATE services SET buffer_minutes = :minutes WHERE id = :id",
        minutes=minutes, id=service_id,
    )  # fmt: skip


@contextlib.asynccontextmanager
async def salon_put_back(engine: AsyncEngine) -> AsyncIterator[None]:
    """Whatever the block does to the salon-wide schedule is undone on the way out: the
    settings are the defaults again (UTC, 15 minutes, always open) and every closure is
    removed (marked, as removal is)."""
    try:
        yield
    finally:
        await set_salon(engine, opening=None)
        await _run(
            engine,
            "UPDATE closures SET removed_at = now(), removed_by = created_by"
            " WHERE removed_at IS NULL",
        )
