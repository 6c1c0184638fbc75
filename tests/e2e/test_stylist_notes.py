"""addStylistNote and Booking.notes: the booking's stylist and admins write and read append-only,
sanitised Markdown notes; a customer never sees one, by any path."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.bookings import Booking
from salonbook.db.people import Person
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import caught_up, tailer, until_feeds

ADD = """
mutation($input: AddStylistNoteInput!) { addStylistNote(input: $input) { __typename
  ... on AddStylistNoteSuccess { note { id authorId body bodyHtml redacted createdAt } }
  ... on Error { code message } ... on ValidationFailedError { field } } }
"""
NOTES = "query($id: ID!) { booking(id: $id) { notes { id authorId body bodyHtml createdAt } } }"
LISTED = """
query($filter: BookingFilter) { bookings(filter: $filter) { edges { node { id notes { body } } } } }
"""
CANCEL = """
mutation($input: TransitionBookingInput!) { transitionBooking(input: $input) { __typename
  ... on TransitionBookingSuccess { booking { status notes { body } } } ... on Error { code } } }
"""
EVENTS = """
subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) { kind bookingId note { body bodyHtml } } }
"""
SAFE_TAGS = {"p", "strong", "em", "ul", "ol", "li", "br"}


async def _add(api: Api, factory: Factory, who: Person, booking: Booking, body: str) -> Any:
    variables = {"input": {"bookingId": str(booking.id), "body": body}}
    answer = await api.gql(ADD, variables, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"]["addStylistNote"]


async def _notes(api: Api, factory: Factory, who: Person, booking: Booking) -> Any:
    answer = await api.gql(NOTES, {"id": str(booking.id)}, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"]["booking"]["notes"]


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

    by_stylist = await _add(api, factory, party.stylist, booking, "  colour: **ash** 7.1 \n")
    factory.clock.advance(timedelta(minutes=3))
    by_admin = await _add(api, factory, party.admin, booking, "*allergic* to PPD")

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
    assert await _notes(api, factory, party.stylist, booking) == expected
    assert await _notes(api, factory, party.admin, booking) == expected


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

    result = await _add(api, factory, getattr(party, who), booking, secret)

    assert result["code"] == code
    assert secret not in json.dumps(result)
    assert await _stored_bodies(engine, booking) == []
    assert await _notes(api, factory, party.admin, booking) == []


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

    result = await _add(api, factory, party.stylist, booking, body)

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

    result = await _add(api, factory, party.stylist, booking, body)

    assert result["__typename"] == "AddStylistNoteSuccess"
    assert result["note"]["body"] == kept
    assert await _stored_bodies(engine, booking) == [kept]


async def test_bold_italic_and_lists_render_to_html(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    body = "**bold** and *italic*\n\n- one\n- two"

    result = await _add(api, factory, party.stylist, booking, body)

    assert result["note"]["bodyHtml"] == (
        "<p><strong>bold</strong> and <em>italic</em></p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


class _Markup(HTMLParser):
    """Every tag and attribute in a piece of HTML, and anything that is not plain markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data}")


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">y</a>',
    "**<b onmouseover=alert(1)>hi</b>** <!-- x --> <iframe src=javascript:alert(1)>",
]


@pytest.mark.parametrize("body", [*HOSTILE, "\n\n".join(HOSTILE)])
async def test_hostile_markup_renders_harmless(api: Api, factory: Factory, body: str) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    added = await _add(api, factory, party.stylist, booking, body)
    (listed,) = await _notes(api, factory, party.admin, booking)

    for html in (added["note"]["bodyHtml"], listed["bodyHtml"]):
        markup = _Markup()
        markup.feed(html)
        markup.close()
        assert {tag for tag, _ in markup.tags} <= SAFE_TAGS, html
        assert [attrs for _, attrs in markup.tags if attrs] == [], html
        assert markup.other == [], html


async def test_a_customer_and_system_never_see_a_note(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.PENDING)
    secret = f"talks about divorce {uuid.uuid4().hex}"
    await _add(api, factory, party.stylist, booking, secret)
    answers: list[Any] = []
    mine = {"filter": {"stylistId": str(party.stylist.id)}}

    for who in (party.customer, party.system):
        token = factory.token(who)
        answers.append(await api.gql(NOTES, {"id": str(booking.id)}, token=token))
        answers.append(await api.gql(LISTED, mine, token=token))
        assert answers[-2]["data"] == {"booking": {"notes": None}}
        assert answers[-1]["data"]["bookings"]["edges"] == [
            {"node": {"id": str(booking.id), "notes": None}}
        ]
    refused = {"input": {"bookingId": str(booking.id), "body": secret}}
    answers.append(await api.gql(ADD, refused, token=factory.token(party.customer)))
    cancel = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "moving away"}
    answers.append(await api.gql(CANCEL, {"input": cancel}, token=factory.token(party.customer)))

    assert answers[-2]["data"]["addStylistNote"]["code"] == "FORBIDDEN"
    assert answers[-1]["data"]["transitionBooking"] == {
        "__typename": "TransitionBookingSuccess",
        "booking": {"status": "CANCELLED", "notes": None},
    }
    assert secret not in json.dumps(answers)
    assert [note["body"] for note in await _notes(api, factory, party.admin, booking)] == [secret]


async def test_another_stylist_cannot_reach_a_bookings_notes(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    secret = f"owes a tip {uuid.uuid4().hex}"
    await _add(api, factory, party.stylist, booking, secret)
    token = factory.token(party.other_stylist)

    single = await api.gql(NOTES, {"id": str(booking.id)}, token=token)
    listed = await api.gql(LISTED, {"filter": {"stylistId": str(party.stylist.id)}}, token=token)

    assert single["data"] == {"booking": None}
    assert single["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert str(booking.id) not in json.dumps(listed)
    assert secret not in json.dumps([single, listed])


async def test_a_note_event_reaches_the_stylist_but_never_the_customer(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    secret = f"**VIP** {uuid.uuid4().hex}"
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with (
        ws_client(live, token=factory.token(party.stylist)) as stylist,
        ws_client(live, token=factory.token(party.customer)) as customer,
        ws_client(live, token=factory.token(party.system)) as system,
    ):
        clients = (stylist, customer, system)
        mine = {"filter": {"stylistId": str(party.stylist.id)}}  # system sees every booking
        operations = [await client.subscribe(EVENTS, mine) for client in clients]
        await until_feeds(app, feeds + len(clients))
        await _add(api, factory, party.stylist, booking, secret)
        cancel = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "ill"}
        cancelled = await api.gql(CANCEL, {"input": cancel}, token=factory.token(party.stylist))
        assert cancelled["data"]["transitionBooking"]["booking"]["status"] == "CANCELLED"

        seen_by_stylist = await stylist.events(operations[0], 2)
        seen_by_customer = await customer.events(operations[1], 1)
        seen_by_system = await system.events(operations[2], 1)
        await customer.silence(operations[1])

    assert seen_by_stylist == [
        {
            "kind": "NOTE_ADDED",
            "bookingId": str(booking.id),
            "note": {"body": secret, "bodyHtml": f"<p><strong>VIP</strong> {secret[8:]}</p>\n"},
        },
        {"kind": "STATUS_CHANGED", "bookingId": str(booking.id), "note": None},
    ]
    # what reached the others first is the later change: the note event was never sent
    assert seen_by_customer == seen_by_system == [seen_by_stylist[1]]
