"""erasePerson: an admin replaces a customer's name, email and phone with placeholders and redacts
the notes about them; their bookings and audit rows stay, and no API answer shows the old data."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.auth.tokens import mint_token
from salonbook.db.people import Person
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party

S = BookingStatus
PERSON = "id displayName email phone"
ERASE = f"""
mutation($input: ErasePersonInput!) {{ erasePerson(input: $input) {{ __typename
  ... on ErasePersonSuccess {{ person {{ {PERSON} }} }} ... on Error {{ code message }} }} }}
"""
UPSERT = f"""
mutation($input: UpsertPersonInput!) {{ upsertPerson(input: $input) {{ __typename
  ... on UpsertPersonSuccess {{ person {{ {PERSON} }} }} ... on Error {{ code }} }} }}
"""
BOOKING_FIELDS = f"""id status customer {{ {PERSON} }} stylist {{ displayName }}
  notes {{ body bodyHtml redacted }} statusHistory {{ toStatus }}"""
ME = f"{{ me {{ {PERSON} }} }}"
BOOKING = f"query($id: ID!) {{ booking(id: $id) {{ {BOOKING_FIELDS} }} }}"
LISTED = f"""query($filter: BookingFilter) {{ bookings(filter: $filter) {{
  edges {{ node {{ {BOOKING_FIELDS} }} }} }} }}"""
CREATE = f"""mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{
  ... on CreateBookingSuccess {{ booking {{ {BOOKING_FIELDS} }} }} ... on Error {{ code }} }} }}"""
TRANSITION = f"""mutation($input: TransitionBookingInput!) {{ transitionBooking(input: $input) {{
  ... on TransitionBookingSuccess {{ booking {{ {BOOKING_FIELDS} }} }}
  ... on Error {{ code }} }} }}"""
NOTE = """mutation($input: AddStylistNoteInput!) { addStylistNote(input: $input) {
  ... on AddStylistNoteSuccess { note { id } } } }"""


async def _gql(api: Api, factory: Factory, who: Person, query: str, **variables: Any) -> Any:
    answer = await api.gql(query, variables, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer


async def _erase(
    api: Api, factory: Factory, who: Person, person_id: object, reason: str
) -> dict[str, Any]:
    variables = {"input": {"personId": str(person_id), "reason": reason}}
    answer = await _gql(api, factory, who, ERASE, **variables)
    result: dict[str, Any] = answer["data"]["erasePerson"]
    return result


async def _identify(api: Api, factory: Factory, party: Party) -> dict[str, str]:
    """Give the party's customer a name, an email and a phone; returns them."""
    tag = uuid.uuid4().hex[:8]
    details = {
        "displayName": f"Zelda Quixote {tag}",
        "email": f"zelda.{tag}@example.org",
        "phone": f"+44 20 {int(tag, 16) % 10**8:08d}",
    }
    given = {"id": str(party.customer.id), "role": "CUSTOMER", **details}
    answer = await _gql(api, factory, party.admin, UPSERT, input=given)
    assert answer["data"]["upsertPerson"]["person"] == {"id": given["id"], **details}
    return details


async def _person_row(engine: AsyncEngine, person: Person) -> tuple[Any, ...]:
    query = text("SELECT display_name, email, phone, erased_at FROM people WHERE id = :id")
    async with engine.connect() as connection:
        return tuple((await connection.execute(query, {"id": person.id})).one())


@pytest.mark.parametrize(
    ("who", "reason", "code"),
    [
        ("customer", "my right", "FORBIDDEN"),
        ("stylist", "asked", "FORBIDDEN"),
        ("system", "retention", "FORBIDDEN"),
        ("other_customer", "spite", "FORBIDDEN"),
        ("admin", "", "REASON_REQUIRED"),
        ("admin", "  \n ", "REASON_REQUIRED"),
    ],
)
async def test_only_an_admin_erases_and_gives_a_reason_else_nothing_changes(
    api: Api, factory: Factory, engine: AsyncEngine, who: str, reason: str, code: str
) -> None:
    party = await factory.party()
    await _identify(api, factory, party)
    before = await _person_row(engine, party.customer)

    result = await _erase(api, factory, getattr(party, who), party.customer.id, reason)

    assert result["code"] == code
    assert await _person_row(engine, party.customer) == before
    assert before[3] is None


async def test_erasing_an_unknown_person_is_not_found(api: Api, factory: Factory) -> None:
    party = await factory.party()
    result = await _erase(api, factory, party.admin, uuid.uuid4(), "request")
    assert (result["__typename"], result["code"]) == ("NotFoundError", "NOT_FOUND")


ERASED = {"displayName": "Erased person", "email": None, "phone": None}
REDACTED = {"body": "[redacted]", "bodyHtml": "<p>[redacted]</p>\n", "redacted": True}


async def test_an_erased_customer_is_gone_from_every_answer_but_bookings_and_audit_stay(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    old = await _identify(api, factory, party)
    confirmed = await factory.booking(party, status=S.CONFIRMED, starts_in=timedelta(days=2))
    pending = await factory.booking(party, status=S.PENDING, starts_in=timedelta(days=3))
    secret = f"{old['displayName']} is **pregnant**, call {old['phone']}"
    for booking in (confirmed, pending):
        note = {"bookingId": str(booking.id), "body": secret}
        await _gql(api, factory, party.stylist, NOTE, input=note)
    seen_before = await _gql(api, factory, party.admin, BOOKING, id=str(confirmed.id))
    assert seen_before["data"]["booking"]["customer"] == {"id": str(party.customer.id), **old}
    audit_before = await _audit_rows(engine, party.customer)

    erased = await _erase(api, factory, party.admin, party.customer.id, " GDPR art. 17 ")

    customer = {"id": str(party.customer.id), **ERASED}
    assert erased == {"__typename": "ErasePersonSuccess", "person": customer}
    answers: list[Any] = [erased]
    secret_key = api.settings.effective_jwt_secret
    assert secret_key is not None
    old_claims = mint_token(secret=secret_key, sub=party.customer.id, role=Role.CUSTOMER,
                            name=old["displayName"], email=old["email"])  # fmt: skip
    for token in (factory.token(party.customer), old_claims):  # old claims bring nothing back
        me = await api.gql(ME, token=token)
        answers.append(me)
        assert me == {"data": {"me": customer}}
    for who in (party.customer, party.stylist, party.admin, party.system):
        for booking in (confirmed, pending):
            answer = await _gql(api, factory, who, BOOKING, id=str(booking.id))
            answers.append(answer)
            seen = answer["data"]["booking"]
            assert seen["customer"] == customer, who.role
            readers = (party.stylist, party.admin)
            assert seen["notes"] == ([REDACTED] if who in readers else None), who.role
        listed = await _gql(
            api, factory, who, LISTED, filter={"customerId": str(party.customer.id)}
        )
        answers.append(listed)
        nodes = [edge["node"] for edge in listed["data"]["bookings"]["edges"]]
        assert [node["id"] for node in nodes] == [str(confirmed.id), str(pending.id)], who.role
        assert [node["customer"] for node in nodes] == [customer, customer], who.role
        assert [len(node["statusHistory"]) for node in nodes] == [1, 0], who.role

    start = factory.clock.now() + timedelta(days=6)
    for who, given in (
        (party.admin, {"customerId": str(party.customer.id)}),
        (party.customer, {"startTime": (start + timedelta(days=1)).isoformat()}),
    ):
        order = {"stylistId": str(party.stylist.id), "serviceId": str(confirmed.service_id),
                 "startTime": start.isoformat(), **given}  # fmt: skip
        created = await _gql(api, factory, who, CREATE, input=order)
        answers.append(created)
        assert created["data"]["createBooking"]["booking"]["customer"] == customer, who.role
    cancel = {"bookingId": str(pending.id), "action": "CANCEL", "reason": "double booked"}
    cancelled = await _gql(api, factory, party.stylist, TRANSITION, input=cancel)
    answers.append(cancelled)
    assert cancelled["data"]["transitionBooking"]["booking"]["customer"] == customer

    everything = json.dumps(answers)
    for kept_back in (*old.values(), secret, "pregnant"):
        assert kept_back not in everything
    assert old["displayName"] in json.dumps(seen_before)  # the search would find it
    assert await _audit_rows(engine, party.customer) == [*audit_before, ("CANCELLED", "stylist")]


async def _audit_rows(engine: AsyncEngine, customer: Person) -> list[tuple[str, str]]:
    query = text(
        "SELECT h.to_status, h.actor_role FROM booking_status_history h"
        " JOIN bookings b ON b.id = h.booking_id WHERE b.customer_id = :id ORDER BY h.id"
    )
    async with engine.connect() as connection:
        rows = await connection.execute(query, {"id": customer.id})
        return [(row.to_status, row.actor_role) for row in rows]


async def test_only_the_notes_about_the_erased_person_are_redacted(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    await _identify(api, factory, party)
    theirs = await factory.booking(party, status=S.CONFIRMED, starts_in=timedelta(days=2))
    neighbour = Party(**{**vars(party), "customer": party.other_customer})
    others = await factory.booking(neighbour, status=S.CONFIRMED, starts_in=timedelta(days=4))
    for booking in (theirs, others):
        note = {"bookingId": str(booking.id), "body": "*short* layers"}
        await _gql(api, factory, party.stylist, NOTE, input=note)

    await _erase(api, factory, party.admin, party.customer.id, "request")

    found = {}
    for booking in (theirs, others):
        answer = await _gql(api, factory, party.admin, BOOKING, id=str(booking.id))
        found[booking.id] = answer["data"]["booking"]
    assert found[theirs.id]["notes"] == [REDACTED]
    assert found[others.id]["notes"] == [
        {"body": "*short* layers", "bodyHtml": "<p><em>short</em> layers</p>\n", "redacted": False}
    ]
    assert found[others.id]["customer"]["displayName"] == party.other_customer.display_name
    assert found[theirs.id]["stylist"]["displayName"] == party.stylist.display_name
