"""The lifecycle machine's hands and eyes: its calls over HTTP, the database rows it checks
the model against, and the subscribers that watch events arrive."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.api import Api
from tests.support.factory import Party
from tests.support.live import WsClient, ws_client

ERROR = "... on Error { code message }"
MUTATIONS = {
    "createBooking": f"""mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{
        __typename ... on CreateBookingSuccess {{ booking {{ id }} }} {ERROR} }} }}""",
    "transitionBooking": f"""mutation($input: TransitionBookingInput!) {{
      transitionBooking(input: $input) {{ __typename
        ... on TransitionBookingSuccess {{ booking {{ id }} statusChange {{ id fromStatus }} }}
        ... on VersionConflictError {{ currentVersion }} {ERROR} }} }}""",
    "rescheduleBooking": f"""mutation($input: RescheduleBookingInput!) {{
      rescheduleBooking(input: $input) {{ __typename
        ... on RescheduleBookingSuccess {{ booking {{ id version startTime }} }} {ERROR} }} }}""",
    "deleteBooking": f"""mutation($input: DeleteBookingInput!) {{ deleteBooking(input: $input) {{
        __typename ... on DeleteBookingSuccess {{ bookingId }} {ERROR} }} }}""",
    "addStylistNote": f"""mutation($input: AddStylistNoteInput!) {{ addStylistNote(input: $input) {{
        __typename ... on AddStylistNoteSuccess {{ note {{ id }} }} {ERROR} }} }}""",
}  # fmt: skip
EVENTS = """subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) { kind bookingId } }"""


def outcome(result: dict[str, Any]) -> str | None:
    """None for a success, else the error code."""
    return None if result["__typename"].endswith("Success") else str(result["code"])


@dataclass(frozen=True)
class Calls:
    api: Api
    party: Party

    def token(self, who: str) -> str:
        return self.api.token(getattr(self.party, who).id, getattr(self.party, who).role)

    async def call(self, mutation: str, who: str, given: dict[str, Any]) -> dict[str, Any]:
        body = await self.api.gql(MUTATIONS[mutation], {"input": given}, token=self.token(who))
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"][mutation]
        return result


@dataclass(frozen=True)
class Row:
    status: str
    version: int
    start: Any
    deleted: bool


async def rows(
    engine: AsyncEngine, ids: list[uuid.UUID]
) -> tuple[
    dict[uuid.UUID, Row], dict[uuid.UUID, list[tuple[str, str]]], dict[uuid.UUID, list[str]]
]:
    """The bookings' rows, their status history (oldest first) and their outbox events."""
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT id, status, version, start_time, deleted_at IS NOT NULL AS gone"
                 " FROM bookings WHERE id = ANY(:ids)"), {"ids": ids})  # fmt: skip
        bookings = {r.id: Row(r.status, r.version, r.start_time, r.gone) for r in found}
        history: dict[uuid.UUID, list[tuple[str, str]]] = {i: [] for i in ids}
        for r in await connection.execute(
            text("SELECT booking_id, from_status, to_status FROM booking_status_history"
                 " WHERE booking_id = ANY(:ids) ORDER BY id"), {"ids": ids}):  # fmt: skip
            history[r.booking_id].append((r.from_status, r.to_status))
        events: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
        for r in await connection.execute(
            text("SELECT booking_id, kind FROM booking_events"
                 " WHERE booking_id = ANY(:ids) ORDER BY id"), {"ids": ids}):  # fmt: skip
            events[r.booking_id].append(r.kind)
    return bookings, history, events


@dataclass
class Viewers:
    """One subscriber per person around the party's bookings, subscribed before anything
    happens: admin and system to the party's stylist, the others to all they may see."""

    clients: dict[str, tuple[WsClient, str]] = field(default_factory=dict)
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    async def open(self, live: str, calls: Calls) -> None:
        stylist = {"stylistId": str(calls.party.stylist.id)}
        for who in ("admin", "system", "customer", "stylist", "other_customer", "other_stylist"):
            client = await self.stack.enter_async_context(ws_client(live, token=calls.token(who)))
            filter = stylist if who in ("admin", "system") else {}
            self.clients[who] = (client, await client.subscribe(EVENTS, {"filter": filter}))

    async def received(self, who: str, count: int) -> list[tuple[str, str]]:
        """What the viewer was sent: `count` events (waiting for them), and any more that
        come before a moment's silence."""
        client, operation = self.clients[who]
        events = await client.events(operation, count, within=10)
        with contextlib.suppress(TimeoutError):
            while True:
                events += await client.events(operation, 1, within=0.3)
        return [(event["kind"], event["bookingId"]) for event in events]

    async def close(self) -> None:
        await self.stack.aclose()
