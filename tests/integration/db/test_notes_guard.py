"""Stylist notes are append-only in PostgreSQL itself: the app role holds no UPDATE, DELETE or
TRUNCATE on them, and the owner is stopped by the trigger. The one exception, erasure's
redaction (which runs as the owner), opens for exactly that change and nothing else."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from salonbook.db.guards import ERASURE_SETTING, REDACTED_NOTE
from salonbook.domain.statuses import BookingStatus
from tests.support.factory import Factory, Party
from tests.support.sql import INSUFFICIENT_PRIVILEGE, refused

NOTE = "SELECT id, booking_id, author_id, body, created_at, redacted_at FROM stylist_notes"
ERASING = f"SELECT set_config('{ERASURE_SETTING}', 'on', true)"


async def _note(db: Any, factory: Factory) -> tuple[UUID, Party]:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    note_id = uuid.uuid4()
    await db.execute(
        "INSERT INTO stylist_notes (id, booking_id, author_id, body, created_at)"
        " VALUES ($1, $2, $3, 'needs a **trim**', $4)",
        note_id,
        booking.id,
        party.stylist.id,
        factory.clock.now(),
    )
    return note_id, party


async def _row(db: Any, note_id: UUID) -> Any:
    return await db.fetchrow(f"{NOTE} WHERE id = $1", note_id)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE stylist_notes SET body = 'rewritten' WHERE id = $1",
        "UPDATE stylist_notes SET created_at = created_at - interval '1 day' WHERE id = $1",
        # the redaction itself, without the erasure setting
        f"UPDATE stylist_notes SET body = '{REDACTED_NOTE}', redacted_at = now() WHERE id = $1",
        "DELETE FROM stylist_notes WHERE id = $1",
        "TRUNCATE stylist_notes CASCADE",
    ],
)
@pytest.mark.parametrize("role", ["app", "owner"])
async def test_notes_are_append_only(
    db: Any, owner_db: Any, factory: Factory, statement: str, role: str
) -> None:
    connection = {"app": db, "owner": owner_db}[role]
    note_id, _ = await _note(db, factory)
    before = await _row(db, note_id)
    arguments = [note_id] if "$1" in statement else []

    transaction = connection.transaction()
    await transaction.start()  # rolled back whatever happens: a TRUNCATE never sticks
    try:
        await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, *arguments))
    finally:
        await transaction.rollback()

    assert await _row(db, note_id) == before


REDACT = f"UPDATE stylist_notes SET body = '{REDACTED_NOTE}', redacted_at = $2"


@pytest.mark.parametrize(
    ("change", "arguments"),
    [
        ("SET body = 'rewritten', redacted_at = $2", []),
        (f"SET body = '{REDACTED_NOTE}', redacted_at = NULL", []),
        (f"SET body = '{REDACTED_NOTE} ', redacted_at = $2", []),
        (f"SET body = '{REDACTED_NOTE}', redacted_at = $2, author_id = $3", ["stranger"]),
        (f"SET body = '{REDACTED_NOTE}', redacted_at = $2, booking_id = $3", ["booking"]),
        (f"SET body = '{REDACTED_NOTE}', redacted_at = $2, created_at = $2", []),
        (f"SET body = '{REDACTED_NOTE}', redacted_at = $2, id = $3", ["new id"]),
        ("DELETE", []),
    ],
)
@pytest.mark.parametrize("role", ["app", "owner"])
async def test_the_erasure_setting_allows_nothing_but_the_redaction(
    db: Any, owner_db: Any, factory: Factory, change: str, arguments: list[str], role: str
) -> None:
    connection = {"app": db, "owner": owner_db}[role]
    note_id, party = await _note(db, factory)
    other = await factory.booking(await factory.party(), status=BookingStatus.PENDING)
    values = {"stranger": party.other_stylist.id, "booking": other.id, "new id": uuid.uuid4()}
    statement = (
        "DELETE FROM stylist_notes WHERE id = $1"
        if change == "DELETE"
        else f"UPDATE stylist_notes {change} WHERE id = $1"
    )
    given: list[object] = [note_id]
    if "$2" in statement:
        given.append(factory.clock.now() + timedelta(minutes=5))
    given += [values[name] for name in arguments]
    before = await _row(db, note_id)

    async with connection.transaction():
        await connection.execute(ERASING)
        await refused(INSUFFICIENT_PRIVILEGE, connection.execute(statement, *given))

    assert await _row(db, note_id) == before


async def test_the_app_role_cannot_redact_even_with_the_erasure_setting(
    db: Any, factory: Factory
) -> None:
    """Only erase_person_data(), which runs as the owner, redacts."""
    note_id, _ = await _note(db, factory)
    before = await _row(db, note_id)
    at = factory.clock.now() + timedelta(minutes=5)

    async with db.transaction():
        await db.execute(ERASING)
        await refused(INSUFFICIENT_PRIVILEGE, db.execute(f"{REDACT} WHERE id = $1", note_id, at))

    assert await _row(db, note_id) == before


async def test_the_erasure_setting_lets_the_owner_make_the_exact_redaction(
    db: Any, owner_db: Any, factory: Factory
) -> None:
    note_id, _ = await _note(db, factory)
    before = await _row(db, note_id)
    at = factory.clock.now() + timedelta(minutes=5)

    async with owner_db.transaction():
        await owner_db.execute(ERASING)
        await owner_db.execute(f"{REDACT} WHERE id = $1", note_id, at)

    after = await _row(db, note_id)
    assert dict(after) == {**dict(before), "body": REDACTED_NOTE, "redacted_at": at}
