"""A change made over the API, taken back: for comparing two answers to the same request on the
same data (tests/e2e/test_planned_mutations.py)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.footprint import footprint

MUTABLE = (
    "status, version, updated_at, status_changed_at, cancel_reason, cancel_actor_role,"
    " refund_policy, refund_cents"
)


class Undo:
    """Takes back what a request wrote: the booking's row as it was, the audit rows, outbox
    events and idempotency keys it added, the audit's sequence where it stood."""

    def __init__(self, engine: AsyncEngine, booking_id: UUID | None) -> None:
        self.engine, self.booking_id = engine, booking_id

    async def mark(self) -> None:
        self.before = await footprint(self.engine)
        async with self.engine.connect() as connection:
            found = await connection.execute(
                text(
                    "SELECT (SELECT to_jsonb(b)::text FROM bookings b WHERE b.id = :id),"
                    " (SELECT coalesce(max(id), 0) FROM booking_status_history),"
                    " (SELECT coalesce(max(id), 0) FROM booking_events),"
                    " (SELECT count(*) FROM idempotency_keys)"
                ),
                {"id": self.booking_id},
            )
            self.row, self.changes, self.events, self.keys = found.one()

    async def undo(self) -> None:
        async with self.engine.begin() as connection:
            run = connection.execute
            await run(text("SET LOCAL session_replication_role = replica"))  # append-only guards
            await run(
                text(
                    f"UPDATE bookings b SET ({MUTABLE}) = (SELECT {MUTABLE} FROM"
                    " jsonb_populate_record(NULL::bookings, CAST(:row AS jsonb))) WHERE b.id = :id"
                    " AND to_jsonb(b) <> CAST(:row AS jsonb)"  # a row left as it was: not locked
                ),
                {"row": self.row, "id": self.booking_id},
            )
            await run(text("DELETE FROM booking_events WHERE id > :n"), {"n": self.events})
            await run(text("DELETE FROM booking_status_history WHERE id > :n"), {"n": self.changes})
            await run(
                text(
                    "SELECT setval(pg_get_serial_sequence('booking_status_history', 'id'),"
                    " greatest(:n, 1), :n > 0)"
                ),
                {"n": self.changes},
            )
            if self.keys == 0:
                await run(text("DELETE FROM idempotency_keys"))
        assert await footprint(self.engine) == self.before
