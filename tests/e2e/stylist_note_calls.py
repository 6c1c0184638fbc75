"""addStylistNote and Booking.notes as their tests call them: add a note as someone, read a
booking's notes as someone."""

from __future__ import annotations

from typing import Any

from salonbook.db.bookings import Booking
from salonbook.db.people import Person
from tests.support.api import Api
from tests.support.factory import Factory

ADD = """
mutation($input: AddStylistNoteInput!) { addStylistNote(input: $input) { __typename
  ... on AddStylistNoteSuccess { note { id authorId body bodyHtml redacted createdAt } }
  ... on Error { code message } ... on ValidationFailedError { field } } }
"""
NOTES = "query($id: ID!) { booking(id: $id) { notes { id authorId body bodyHtml createdAt } } }"


async def add(api: Api, factory: Factory, who: Person, booking: Booking, body: str) -> Any:
    variables = {"input": {"bookingId": str(booking.id), "body": body}}
    answer = await api.gql(ADD, variables, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"]["addStylistNote"]


async def notes(api: Api, factory: Factory, who: Person, booking: Booking) -> Any:
    answer = await api.gql(NOTES, {"id": str(booking.id)}, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"]["booking"]["notes"]
