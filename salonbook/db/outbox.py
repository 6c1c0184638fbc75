"""Reading the outbox by snapshot windows: every committed row falls in exactly one window,
whatever the order of ids and commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from salonbook.db.engine import driver_of
from salonbook.db.events import EventKind
from salonbook.db.tables import Columns
from salonbook.domain.schedules import ScheduleChangeKind


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A PostgreSQL `pg_snapshot` (`xmin:xmax:xip,...`), with visibility computed in Python."""

    xmin: int
    xmax: int
    xip: frozenset[int]

    @classmethod
    def parse(cls, text: str) -> Snapshot:
        xmin, xmax, xip = text.split(":")
        in_progress = frozenset(int(x) for x in xip.split(",") if x)
        snapshot = cls(int(xmin), int(xmax), in_progress)
        if snapshot.xmin > snapshot.xmax or any(
            not snapshot.xmin <= x < snapshot.xmax for x in in_progress
        ):
            raise ValueError("not a snapshot")
        return snapshot

    def __str__(self) -> str:
        return f"{self.xmin}:{self.xmax}:{','.join(str(x) for x in sorted(self.xip))}"

    def sees(self, xid: int) -> bool:
        """pg_visible_in_snapshot: the transaction had committed when the snapshot was taken."""
        return xid < self.xmin or (xid < self.xmax and xid not in self.xip)


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    id: int
    xid: int
    booking_id: UUID | None
    """None for a schedule change (SCHEDULE_CHANGED), and so is customer_id."""
    stylist_id: UUID | None
    """None for a salon-wide schedule change."""
    customer_id: UUID | None
    kind: EventKind
    status_change_id: int | None
    note_id: UUID | None
    reschedule_id: int | None
    occurred_at: datetime
    schedule_change_id: int | None = None
    schedule_kind: ScheduleChangeKind | None = None
    """SCHEDULE_CHANGED: the kind of the audited change (all a subscriber is told of it)."""


_COLUMNS = (
    "e.id, e.xid::text::bigint AS xid, e.booking_id, e.stylist_id, e.customer_id, e.kind,"
    " e.status_change_id, e.note_id, e.reschedule_id, e.occurred_at, e.schedule_change_id,"
    " (SELECT c.kind FROM schedule_changes c WHERE c.id = e.schedule_change_id) AS schedule_kind"
)

# One statement, so the rows are exactly those visible in the snapshot it reports. It runs on
# the driver (one read per commit that wakes the tailer): $1 before, $2 window, $3 last id.
_WINDOW = f"""
    WITH p AS (
        SELECT pg_current_snapshot() AS now,
               CAST($1::text AS pg_snapshot) AS before,
               CAST($2::text AS pg_snapshot) AS win
    )
    SELECT p.now::text AS snap, {_COLUMNS}
    FROM p
    LEFT JOIN booking_events e
      ON e.xid >= pg_snapshot_xmin(p.before)
     AND NOT pg_visible_in_snapshot(e.xid, p.before)
     AND NOT (pg_visible_in_snapshot(e.xid, p.win) AND e.id <= $3)
    ORDER BY pg_visible_in_snapshot(e.xid, p.win) DESC, e.id
    """

_NOW = text("SELECT pg_current_snapshot()::text")


def _event(row: Columns) -> OutboxEvent:
    return OutboxEvent(
        id=row["id"],
        xid=row["xid"],
        booking_id=row["booking_id"],
        stylist_id=row["stylist_id"],
        customer_id=row["customer_id"],
        kind=EventKind(row["kind"]),
        status_change_id=row["status_change_id"],
        note_id=row["note_id"],
        reschedule_id=row["reschedule_id"],
        occurred_at=row["occurred_at"],
        schedule_change_id=row["schedule_change_id"],
        schedule_kind=ScheduleChangeKind(row["schedule_kind"]) if row["schedule_kind"] else None,
    )


async def current_snapshot(engine: AsyncEngine) -> Snapshot:
    async with engine.connect() as connection:
        return Snapshot.parse(str((await connection.execute(_NOW)).scalar_one()))


async def read_after(
    connection: AsyncConnection, *, before: Snapshot, window: Snapshot, last_id: int
) -> tuple[Snapshot, list[OutboxEvent]]:
    """The rows committed after the cursor (before, window, last_id), up to a fresh snapshot;
    the rows of the cursor's own window come first."""
    rows = await driver_of(connection).fetch(_WINDOW, str(before), str(window), last_id)
    snapshot = Snapshot.parse(rows[0]["snap"])
    return snapshot, [_event(row) for row in rows if row["id"] is not None]


async def read_window(
    connection: AsyncConnection, *, before: Snapshot
) -> tuple[Snapshot, list[OutboxEvent]]:
    """The rows committed after `before`, up to a fresh snapshot, in id order."""
    return await read_after(connection, before=before, window=before, last_id=0)


PURGE_MARGIN = timedelta(hours=1)
"""Events are kept this much longer than cursors live, for transactions that committed late."""


async def purge(engine: AsyncEngine, *, now: datetime, retention: timedelta) -> int:
    """Delete events no cursor can still need; returns how many went."""
    async with engine.begin() as connection:
        result = await connection.execute(
            text("DELETE FROM booking_events WHERE occurred_at < :cutoff"),
            {"cutoff": now - retention - PURGE_MARGIN},
        )
    return int(result.rowcount)
