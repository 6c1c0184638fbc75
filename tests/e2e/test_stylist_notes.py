"""addStylistNote: the booking's stylist and admins add append-only notes, listed oldest first;
anyone else, or a blank, too long or unstorable body, writes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.bookings import Booking
from salonbook.domain.statuses import BookingStatus
from tests.e2e.stylist_note_calls import add, notes
from tests.support.api import Api
from tests.support.factory import Factory


async def _stored_bodies(engine: AsyncEngine, booking: Booking) -> list[str]:
    query = text("SELECT body FROM stylist_notes WHERE booking_id = :id ORDER BY created_at")
    async with engine.connect() as connection:
        return list((await connection.execute(query, {"id": booking.id})).scalars())


async def test_the_stylist_and_an_admin_add_notes_listed_oldest_first(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    first_at = factory.clock.now()

    by_stylist = await add(api, factory, party.stylist, booking, "  colour: **ash** 7.1 \n")
    factory.clock.advance(timedelta(minutes=3))
    by_admin = await add(api, factory, party.admin, booking, "*allergic* to PPD")

    assert by_stylist == {
        "__typename": "AddStylistNoteSuccess",
        "note": {
            "id": by_stylist["note"]["id"],
            "authorId": str(party.stylist.id),
            "body": "colour: **ash** 7.1",
            "bodyHtml": "<p>colour: <strong>ash</strong> 7.1</p>\n",
            "redacted": False,
            "createdAt": first_at.isoformat(),
        },
    }
    assert (by_admin["note"]["authorId"], by_admin["note"]["createdAt"]) == (
        str(party.admin.id),
        (first_at + timedelta(minutes=3)).isoformat(),
    )
    expected = [
        {key: note["note"][key] for key in ("id", "authorId", "body", "bodyHtml", "createdAt")}
        for note in (by_stylist, by_admin)
    ]
    assert await notes(api, factory, party.stylist, booking) == expected
    assert await notes(api, factory, party.admin, booking) == expected


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("customer", "FORBIDDEN"),
        ("system", "FORBIDDEN"),
        ("other_stylist", "NOT_FOUND"),
        ("other_customer", "NOT_FOUND"),
    ],
)
async def test_who_may_not_add_a_note_writes_nothing(
    api: Api, factory: Factory, engine: AsyncEngine, who: str, code: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    secret = f"prefers cold water {uuid.uuid4().hex}"

    result = await add(api, factory, getattr(party, who), booking, secret)

    assert result["code"] == code
    assert secret not in json.dumps(result)
    assert await _stored_bodies(engine, booking) == []
    assert await notes(api, factory, party.admin, booking) == []


# PostgreSQL text cannot hold NUL: such a body is bad input, not a retryable INTERNAL_ERROR
@pytest.mark.parametrize(
    "body",
    ["", " ", " \n\t\u00a0 ", "x" * 2001, "  " + "y" * 2001 + "  ", "nul \u0000 byte"],
    ids=["empty", "a space", "whitespace", "2001 characters", "2001 after trimming", "NUL"],
)
async def test_a_blank_too_long_or_unstorable_note_is_refused_and_writes_nothing(
    api: Api, factory: Factory, engine: AsyncEngine, body: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    result = await add(api, factory, party.stylist, booking, body)

    assert (result["__typename"], result["code"], result["field"]) == (
        "ValidationFailedError",
        "VALIDATION_FAILED",
        "body",
    )
    assert await _stored_bodies(engine, booking) == []


@pytest.mark.parametrize(
    ("body", "kept"),
    [("x", "x"), ("z" * 2000, "z" * 2000), ("\n  " + "w" * 2000 + " \t", "w" * 2000)],
    ids=["one character", "2000 characters", "2000 after trimming"],
)
async def test_a_note_of_1_to_2000_characters_after_trimming_is_kept(
    api: Api, factory: Factory, engine: AsyncEngine, body: str, kept: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    result = await add(api, factory, party.stylist, booking, body)

    assert result["__typename"] == "AddStylistNoteSuccess"
    assert result["note"]["body"] == kept
    assert await _stored_bodies(engine, booking) == [kept]
