"""The database keeps its own rules: the status guard, the version rule, the append-only
audit and the overlap exclusion — checked straight in PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from salonbook.db import migrate
from salonbook.db.guards import booking_guard_function_sql
from salonbook.db.privileges import APP_ROLE
from salonbook.domain.transitions import allowed_status_pairs
from tests.support.factory import Factory
from tests.support.sql import (
    CHECK_VIOLATION,
    EXCLUSION_VIOLATION,
    INSERT,
    INSUFFICIENT_PRIVILEGE,
    S,
    change,
    insert,
    refused,
    state,
)


@pytest.mark.parametrize("role", ["app", "owner"])
async def test_a_direct_status_update_is_refused_and_changes_nothing(
    db: Any, owner_db: Any, factory: Factory, role: str
) -> None:
    """The app role holds no UPDATE of the status; the owner, which does, meets the trigger."""
    connection = {"app": db, "owner": owner_db}[role]
    booking = await factory.booking(await factory.party(), status=S.PENDING)
    before = await state(db, booking.id)
    statement = "UPDATE bookings SET status = 'CONFIRMED', version = 2 WHERE id = $1"
    await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, booking.id))
    assert await state(db, booking.id) == before == ("PENDING", 1, 0, 1)


@pytest.mark.parametrize("role", ["app", "owner"])
@pytest.mark.parametrize("forged", ["made_up", "another_bookings_row", "another_transition"])
async def test_a_forged_status_change_setting_does_not_open_the_guard(
    db: Any, owner_db: Any, factory: Factory, forged: str, role: str
) -> None:
    connection = {"app": db, "owner": owner_db}[role]
    party = await factory.party()
    booking = await factory.booking(party, status=S.CONFIRMED)
    other = await factory.booking(await factory.party(), status=S.IN_PROGRESS)
    rows = "SELECT id FROM booking_status_history WHERE booking_id = $1 AND to_status = $2"
    history_id = {
        "made_up": 9_000_000_000,
        # a real CONFIRMED -> IN_PROGRESS row, but of another booking
        "another_bookings_row": await db.fetchval(rows, other.id, "IN_PROGRESS"),
        # the booking's own row, but of its PENDING -> CONFIRMED change
        "another_transition": await db.fetchval(rows, booking.id, "CONFIRMED"),
    }[forged]
    assert history_id is not None
    before = await state(db, booking.id)
    async with connection.transaction():
        await connection.execute(
            "SELECT set_config('salonbook.status_change', $1, true)", str(history_id)
        )
        await refused(
            INSUFFICIENT_PRIVILEGE,
            connection.execute(
                "UPDATE bookings SET status = 'IN_PROGRESS', version = version + 1 WHERE id = $1",
                booking.id,
            ),
        )
    assert await state(db, booking.id) == before == ("CONFIRMED", 2, 1, 2)


@pytest.mark.parametrize(
    ("arranged", "target"),
    [
        (S.PENDING, S.COMPLETED),
        (S.PENDING, S.IN_PROGRESS),
        (S.COMPLETED, S.CONFIRMED),
        (S.CANCELLED, S.CONFIRMED),
        (S.IN_PROGRESS, S.NO_SHOW),
    ],
)
async def test_an_illegal_transition_is_refused_even_through_the_change_path(
    db: Any, factory: Factory, arranged: S, target: S
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=arranged)
    before = await state(db, booking.id)
    await refused(CHECK_VIOLATION, change(db, booking, party, target, action="COMPLETE"))
    assert await state(db, booking.id) == before


async def test_the_change_path_adds_exactly_one_version_and_one_audit_row(
    db: Any, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.PENDING)
    recorded = await change(db, booking, party, S.CONFIRMED, action="CONFIRM")
    assert recorded["new_version"] == 2
    assert await state(db, booking.id) == ("CONFIRMED", 2, 1, 2)


@pytest.mark.parametrize("delta", [5, 2, -1])
async def test_a_direct_version_jump_is_refused(
    db: Any, owner_db: Any, factory: Factory, delta: int
) -> None:
    """As the owner: the app role may not update the version at all."""
    booking = await factory.booking(await factory.party(), status=S.CONFIRMED)
    statement = "UPDATE bookings SET version = version + $2 WHERE id = $1"
    await refused(CHECK_VIOLATION, owner_db.execute(statement, booking.id, delta))
    assert await state(db, booking.id) == ("CONFIRMED", 2, 1, 2)


@pytest.mark.parametrize(
    "change",
    [
        "deleted_at = now()",
        "start_time = start_time + interval '1 day', end_time = end_time + interval '1 day'",
        "updated_at = now()",
    ],
)
@pytest.mark.parametrize("role", ["app", "owner"])
async def test_a_change_that_leaves_the_version_alone_is_refused(
    db: Any, owner_db: Any, factory: Factory, change: str, role: str
) -> None:
    """A reader that decided on version n must find any later change at a newer version
    (transitionBooking changes a booking only while it is at the version it read). The app
    role may update updated_at alone (to lock a row), and may not update the other columns."""
    connection = {"app": db, "owner": owner_db}[role]
    booking = await factory.booking(await factory.party(), status=S.CONFIRMED)
    before = await db.fetchrow("SELECT * FROM bookings WHERE id = $1", booking.id)
    sqlstate = (
        CHECK_VIOLATION
        if role == "owner" or change == "updated_at = now()"
        else (INSUFFICIENT_PRIVILEGE)
    )
    statement = f"UPDATE bookings SET {change} WHERE id = $1"
    await refused(sqlstate, connection.execute(statement, booking.id))
    assert await db.fetchrow("SELECT * FROM bookings WHERE id = $1", booking.id) == before


@pytest.mark.parametrize(
    ("status", "version", "sqlstate"),
    [
        ("CONFIRMED", 1, CHECK_VIOLATION),
        ("COMPLETED", 1, CHECK_VIOLATION),
        ("PENDING", 2, CHECK_VIOLATION),
        ("PENDING", 0, CHECK_VIOLATION),
        ("PENDING", 1, None),
    ],
)
async def test_a_booking_is_inserted_pending_at_version_one(
    db: Any, factory: Factory, status: str, version: int, sqlstate: str | None
) -> None:
    party = await factory.party()
    service = await factory.service()
    start = factory.clock.now() + timedelta(days=2)
    booking_id = uuid.uuid4()
    row = (booking_id, party.customer.id, party.stylist.id, service.id, start)
    statement = db.execute(
        INSERT, *row, start + timedelta(hours=1), status, version, factory.clock.now()
    )
    if sqlstate is None:
        await statement
    else:
        await refused(sqlstate, statement)
    expected = 0 if sqlstate else 1
    assert await db.fetchval("SELECT count(*) FROM bookings WHERE id = $1", booking_id) == expected


@pytest.mark.parametrize("role", ["app", "owner"])
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE booking_status_history SET reason = 'rewritten' WHERE booking_id = $1",
        "UPDATE booking_status_history SET to_status = 'CANCELLED' WHERE booking_id = $1",
        "UPDATE booking_status_history SET reason = '[redacted]' WHERE booking_id = $1",
        "DELETE FROM booking_status_history WHERE booking_id = $1",
        "TRUNCATE booking_status_history CASCADE",
    ],
)
async def test_the_audit_history_is_append_only_for_every_role(
    db: Any, owner_db: Any, factory: Factory, statement: str, role: str
) -> None:
    """The app role holds no UPDATE, DELETE or TRUNCATE on it; the owner, which may, is
    stopped by the trigger (erasure's redaction aside: tests/integration/db/test_redaction.py)."""
    connection = {"app": db, "owner": owner_db}[role]
    booking = await factory.booking(await factory.party(), status=S.COMPLETED)
    read = "SELECT * FROM booking_status_history WHERE booking_id = $1 ORDER BY id"
    before = await db.fetch(read, booking.id)
    arguments = [booking.id] if "$1" in statement else []
    transaction = connection.transaction()
    await transaction.start()  # rolled back whatever happens: a TRUNCATE never sticks
    try:
        await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, *arguments))
    finally:
        await transaction.rollback()
    assert len(before) == 3
    assert await db.fetch(read, booking.id) == before


@pytest.mark.parametrize(
    ("held", "offset", "same_stylist", "sqlstate"),
    [
        (S.PENDING, timedelta(minutes=30), True, EXCLUSION_VIOLATION),
        (S.CONFIRMED, timedelta(0), True, EXCLUSION_VIOLATION),
        (S.IN_PROGRESS, timedelta(minutes=-59), True, EXCLUSION_VIOLATION),
        (S.COMPLETED, timedelta(minutes=10), True, EXCLUSION_VIOLATION),
        (S.CONFIRMED, timedelta(hours=1), True, None),  # starts where the other ends
        (S.CONFIRMED, timedelta(hours=-1), True, None),  # ends where the other starts
        (S.CANCELLED, timedelta(0), True, None),
        (S.NO_SHOW, timedelta(0), True, None),
        (S.CONFIRMED, timedelta(0), False, None),
    ],
)
async def test_one_stylist_never_has_two_live_bookings_at_once(
    db: Any, factory: Factory, held: S, offset: timedelta, same_stylist: bool, sqlstate: str | None
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=held)
    stylist = None if same_stylist else party.other_stylist.id
    statement = insert(db, party, booking, booking.facts.start + offset, stylist=stylist)
    if sqlstate is None:
        await statement
    else:
        await refused(sqlstate, statement)
    live = await db.fetchval(
        "SELECT count(*) FROM bookings WHERE stylist_id = $1 AND status NOT IN"
        " ('CANCELLED', 'NO_SHOW') AND deleted_at IS NULL",
        party.stylist.id,
    )
    held_live = held not in (S.CANCELLED, S.NO_SHOW)
    assert live == int(held_live) + int(sqlstate is None and same_stylist)


async def test_a_deleted_booking_frees_its_slot(db: Any, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=S.CONFIRMED)
    await refused(EXCLUSION_VIOLATION, insert(db, party, booking, booking.facts.start))
    await db.execute(
        "SELECT soft_delete_booking($1, $2, NULL, $3)",
        booking.id,
        party.admin.id,
        booking.updated_at,
    )
    await insert(db, party, booking, booking.facts.start)


async def test_the_installed_guard_allows_exactly_the_domain_transitions(db: Any) -> None:
    installed = await db.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'bookings_guard'")
    assert installed == booking_guard_function_sql().split("$$")[1]
    pairs = set(re.findall(r"\('([A-Z_]+)', '([A-Z_]+)'\)", installed))
    assert pairs == {(source.value, target.value) for source, target in allowed_status_pairs()}


async def test_migrating_reinstalls_the_guard_from_the_domain_table(
    db: Any, owner_db: Any, owner_url: str
) -> None:
    """The guard is derived, never typed into a migration: a tampered (or stale) guard is put
    back by the next migration run (only the owner can tamper with it at all)."""
    original = await db.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'bookings_guard'")
    tampered = booking_guard_function_sql().replace(
        "('PENDING', 'CONFIRMED')", "('PENDING', 'PENDING')"
    )
    await owner_db.execute(tampered)
    assert (
        await db.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'bookings_guard'") != original
    )
    await migrate.upgrade(owner_url, app_role=APP_ROLE)
    assert (
        await db.fetchval("SELECT prosrc FROM pg_proc WHERE proname = 'bookings_guard'") == original
    )
