"""A stylist's slots are taken one transaction at a time.

The overlap exclusion constraint decides who gets a slot, but two transactions writing
overlapping bookings at the same moment can each find the other's uncommitted row and wait on
each other: a deadlock, which PostgreSQL breaks only after `deadlock_timeout` (1 s) by aborting
one of them, and writers queued behind them can wait out the statement timeout
(bench/slot_burst.py, docs/benchmarks.md). Taking the stylist's transaction-scoped advisory
lock before the write lines the writers up instead: the next one finds the booking committed
and is told SLOT_UNAVAILABLE at once. Writers for different stylists do not wait on each other
(two stylists whose ids share a hash only take turns). The wait is bounded by lock_timeout."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db.engine import in_transaction

SLOTS_LOCK_SPACE = 0x5A1_0B00  # salonbook's stylist slots, among the database's advisory locks
_TAKE = "SELECT pg_advisory_xact_lock($1, hashtext($2::text))"


async def take_slots_of(connection: AsyncConnection, stylist_id: UUID) -> None:
    """Wait for the stylist's slots; held until the unit of work's transaction ends (outside
    one the lock would be let go at once, so that is refused)."""
    await in_transaction(connection).execute(_TAKE, SLOTS_LOCK_SPACE, str(stylist_id))


SCHEDULE_LOCK_SPACE = 0x5A1_0C00  # the salon's schedule (settings, opening hours, closures)
_SALON_SCHEDULE = 0
_HOLD_SHARED = "SELECT pg_advisory_xact_lock_shared($1, $2)"
_HOLD_EXCLUSIVE = "SELECT pg_advisory_xact_lock($1, $2)"


async def hold_salon_schedule(connection: AsyncConnection, *, exclusive: bool) -> None:
    """The salon-wide schedule, until the transaction ends: shared by whoever decides on it (a
    booking checked against opening hours and closures, a stylist's hours checked against the
    opening hours), exclusive for whoever changes it (settings, opening hours, closures), so a
    decision and a change never both pass on stale reads. Take it after the stylist's slots
    (take_slots_of), as every writer does, so no two writers wait on each other in turn."""
    statement = _HOLD_EXCLUSIVE if exclusive else _HOLD_SHARED
    await in_transaction(connection).execute(statement, SCHEDULE_LOCK_SPACE, _SALON_SCHEDULE)


_TAKE_AND_HOLD = (
    "SELECT pg_advisory_xact_lock($1, hashtext($2::text)), pg_advisory_xact_lock_shared($3, $4)"
)


async def take_slots_deciding_on_schedule(connection: AsyncConnection, stylist_id: UUID) -> None:
    """take_slots_of, then hold_salon_schedule shared, in that order, in one round trip (a
    SELECT list is evaluated left to right): what a booking checked against working time and
    a stylist's hours checked against the opening hours both need."""
    await in_transaction(connection).execute(
        _TAKE_AND_HOLD, SLOTS_LOCK_SPACE, str(stylist_id), SCHEDULE_LOCK_SPACE, _SALON_SCHEDULE
    )
