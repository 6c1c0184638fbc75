"""erase_person_data(), the one change the append-only audit allows: what it reaches for each
part a person plays (customer, stylist, actor on someone else's booking), what it leaves, and
that the audit tables' guard lets nothing but its redaction through."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from salonbook.db.guards import ERASURE_SETTING
from salonbook.db.redaction import REDACTED
from tests.support.factory import Factory, Party
from tests.support.sql import INSUFFICIENT_PRIVILEGE, S, refused

ERASE = "SELECT erase_person_data($1, $2, $3, $4)"
CHANGE = """SELECT history_id FROM change_booking_status(
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL)"""
MOVE = "SELECT reschedule_booking($1, $2, $3, $4, $5, $6, $7, $8, $9)"
TRAIL = """SELECT id, booking_id, actor_id, actor_role, reason, host(ip_address) AS ip,
    user_agent, created_at FROM {table} WHERE booking_id = $1 ORDER BY id"""


async def _trail(db: Any, booking_id: UUID) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [dict(row) for row in await db.fetch(TRAIL.format(table=table), booking_id)]
        for table in ("booking_status_history", "booking_reschedules")
    }


async def _acted_on(db: Any, factory: Factory, party: Party, who: str, ip: str) -> UUID:
    """A CONFIRMED booking of the party that `who` moved and then cancelled as admin, from
    `ip`, with reasons."""
    booking = await factory.booking(party, status=S.CONFIRMED)
    actor = getattr(party, who).id
    at = factory.clock.now()
    later = timedelta(hours=1)
    await db.fetchval(MOVE, booking.id, booking.facts.start + later, booking.facts.end + later,
                      actor, "admin", f"moved by {who}", ip, f"{who}/1", at)  # fmt: skip
    await db.fetchval(CHANGE, booking.id, "CANCEL", "CONFIRMED", "CANCELLED", actor, "admin",
                      f"cancelled by {who}", ip, f"{who}/1", at)  # fmt: skip
    return booking.id


def _redacted(row: dict[str, Any], *, own_action: bool) -> dict[str, Any]:
    if own_action:
        return row | {"reason": REDACTED, "ip": None, "user_agent": None}
    return row | {"reason": REDACTED}


async def test_an_admins_own_actions_lose_their_words_ip_and_agent_and_nothing_else(
    db: Any, factory: Factory
) -> None:
    party = await factory.party()
    theirs = await _acted_on(db, factory, party, "admin", "192.0.2.10")
    another = Party(**{**vars(party), "admin": party.other_stylist})
    someone_elses = await _acted_on(db, factory, another, "admin", "192.0.2.11")
    before = {booking: await _trail(db, booking) for booking in (theirs, someone_elses)}

    redacted = await db.fetchval(ERASE, party.admin.id, party.admin.id, "leaver",
                                 factory.clock.now())  # fmt: skip

    assert json.loads(redacted) == {
        "status_changes": 1, "reschedules": 1, "notes": 0, "bookings": 0,
        "idempotency_keys": 0, "payment_events": 0, "schedule_changes": 0, "time_off": 0,
        "closures": 0,
    }  # fmt: skip
    after = await _trail(db, theirs)
    history = before[theirs]["booking_status_history"]
    assert after["booking_status_history"] == [
        history[0],  # the system's CONFIRM: not the admin's action, not the admin's booking
        _redacted(history[1], own_action=True),
    ]
    assert after["booking_reschedules"] == [
        _redacted(before[theirs]["booking_reschedules"][0], own_action=True)
    ]
    assert await _trail(db, someone_elses) == before[someone_elses]
    # the booking is the customer's, not the admin's: its cancel reason stays
    assert await db.fetchval("SELECT cancel_reason FROM bookings WHERE id = $1", theirs) == (
        "cancelled by admin"
    )


async def test_a_stylists_bookings_lose_every_reason_but_keep_others_addresses(
    db: Any, factory: Factory
) -> None:
    party = await factory.party()
    booking = await _acted_on(db, factory, party, "admin", "192.0.2.20")
    before = await _trail(db, booking)

    await db.fetchval(ERASE, party.stylist.id, party.admin.id, "leaver", factory.clock.now())

    after = await _trail(db, booking)
    assert after == {
        table: [row | {"reason": None if row["reason"] is None else REDACTED} for row in rows]
        for table, rows in before.items()
    }
    found = await db.fetchrow(
        "SELECT status, cancel_reason, version FROM bookings WHERE id = $1", booking
    )
    assert tuple(found) == ("CANCELLED", REDACTED, 5)  # confirmed, moved, cancelled, erased


async def test_erasing_again_redacts_nothing_more_and_is_recorded_again(
    db: Any, owner_db: Any, factory: Factory
) -> None:
    party = await factory.party()
    await _acted_on(db, factory, party, "admin", "192.0.2.30")
    at = factory.clock.now()
    first = await db.fetchval(ERASE, party.customer.id, party.admin.id, "request", at)
    second = await db.fetchval(
        ERASE, party.customer.id, party.admin.id, "again", at + timedelta(minutes=1)
    )
    assert json.loads(first)["status_changes"] == 1
    assert set(json.loads(second).values()) == {0}
    recorded = await owner_db.fetch(
        "SELECT erased_by, reason FROM person_erasures WHERE person_id = $1 ORDER BY id",
        party.customer.id,
    )
    assert [tuple(row) for row in recorded] == [
        (party.admin.id, "request"),
        (party.admin.id, "again"),
    ]


async def test_erasing_an_unknown_person_changes_and_records_nothing(
    db: Any, owner_db: Any, factory: Factory
) -> None:
    count = "SELECT count(*) FROM person_erasures"
    before = await owner_db.fetchval(count)
    unknown = uuid.uuid4()
    assert await db.fetchval(ERASE, unknown, unknown, "who?", factory.clock.now()) is None
    assert await owner_db.fetchval(count) == before


@pytest.mark.parametrize("table", ["booking_status_history", "booking_reschedules"])
@pytest.mark.parametrize(
    ("change", "allowed"),
    [
        (f"reason = '{REDACTED}', ip_address = NULL, user_agent = NULL", True),
        ("ip_address = NULL", True),
        ("reason = 'rewritten'", False),
        (f"reason = '{REDACTED}', ip_address = '192.0.2.99'", False),
        (f"reason = '{REDACTED}', user_agent = 'other/1'", False),
        (f"reason = '{REDACTED}', actor_role = 'system'", False),
        (f"reason = '{REDACTED}', created_at = created_at + interval '1 second'", False),
        (f"reason = '{REDACTED}', actor_id = booking_id", False),
    ],
)
async def test_the_audit_guard_lets_the_owner_make_only_the_redaction(
    db: Any, owner_db: Any, factory: Factory, table: str, change: str, allowed: bool
) -> None:
    booking = await _acted_on(db, factory, await factory.party(), "admin", "192.0.2.40")
    before = await _trail(db, booking)
    statement = f"UPDATE {table} SET {change} WHERE booking_id = $1 AND actor_role = 'admin'"
    transaction = owner_db.transaction()
    await transaction.start()
    try:
        await owner_db.execute(f"SELECT set_config('{ERASURE_SETTING}', 'on', true)")
        if allowed:
            await owner_db.execute(statement, booking)
            assert await _trail(owner_db, booking) != before
        else:
            await refused(INSUFFICIENT_PRIVILEGE, owner_db.execute(statement, booking))
    finally:
        await transaction.rollback()
    assert await _trail(db, booking) == before
