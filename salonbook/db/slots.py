"""A stylist's slots are taken one transaction at a time.

The overlap exclusion constraint decides who gets a slot, but two transactions writing
overlapping bookings at the same moment can each find the other's uncommitted row and wait on
each other: a deadlock, which PostgreSQL breaks only after `deadlock_timeout` (1 s) by aborting
one of them. Under a burst of bookings for one stylist those seconds piled up into pool
timeouts. Taking the stylist's transaction-scoped advisory lock before the write lines the
writers up instead: the next one finds the booking committed and is told SLOT_UNAVAILABLE at
once. Writers for different stylists do not wait on each other (two stylists whose ids share
a hash only take turns). The wait is bounded by lock_timeout like any other."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

SLOTS_LOCK_SPACE = 0x5A1_0B00  # salonbook's stylist slots, among the database's advisory locks
_TAKE = text("SELECT pg_advisory_xact_lock(:space, hashtext(CAST(:stylist AS text)))")


async def take_slots_of(connection: AsyncConnection, stylist_id: UUID) -> None:
    """Wait for the stylist's slots; held until the transaction ends. Call it inside one."""
    await connection.execute(_TAKE, {"space": SLOTS_LOCK_SPACE, "stylist": str(stylist_id)})
