"""The two servers bench/live_peer.py measures, each as the bench drives it: its subscription
document, its status-change mutation over HTTP, and its status change in raw SQL.

Both are driven from threads of their own (an event loop and a connection each), so the
stamps of a mutation's request and answer, and of a commit, are not delayed by the thousands
of subscriber sockets the bench's main loop serves."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from bench.database import Commit, Committer
from bench.http1 import KeepAliveClient
from bench.measure import EVENTS
from bench.server import Server

T = TypeVar("T")

SALONBOOK_CONFIRM = """
mutation Confirm($input: TransitionBookingInput!) {
  transitionBooking(input: $input) {
    __typename
    ... on TransitionBookingSuccess { booking { id status version } }
    ... on Error { code message }
  }
}
"""
PEER_CONFIRM = """
mutation Confirm($bookingId: UUID!) {
  transitionBooking(input: {bookingId: $bookingId, action: "CONFIRM"}) {
    result { peerBookingByBookingId { rowId status version } }
  }
}
"""
PEER_EVENTS = """
subscription($stylistId: UUID!) {
  bookingEvents(stylistId: $stylistId) { cursor kind bookingId booking { rowId status version } }
}
"""


def _salonbook_confirmed(body: dict[str, Any]) -> dict[str, Any] | None:
    answer = (body.get("data") or {}).get("transitionBooking") or {}
    return answer.get("booking") if answer.get("__typename") == "TransitionBookingSuccess" else None


def _peer_confirmed(body: dict[str, Any]) -> dict[str, Any] | None:
    answer = ((body.get("data") or {}).get("transitionBooking") or {}).get("result") or {}
    return answer.get("peerBookingByBookingId")


@dataclass(frozen=True)
class Target:
    """One server as the bench drives it."""

    name: str
    server: Server
    subscription: str
    """The bookingEvents document; its variable is `stylistId`."""
    mutation: str
    variables: Callable[[uuid.UUID], dict[str, Any]]
    confirmed: Callable[[dict[str, Any]], dict[str, Any] | None]
    """The booking the mutation's answer shows, or None when it did not confirm."""
    committer: Committer
    """The same change in raw SQL (the idle commit-to-first-subscriber figure)."""


def salonbook_target(server: Server, committer: Committer) -> Target:
    def variables(booking_id: uuid.UUID) -> dict[str, Any]:
        return {"input": {"bookingId": str(booking_id), "action": "CONFIRM"}}

    return Target("salonbook", server, EVENTS, SALONBOOK_CONFIRM, variables,
                  _salonbook_confirmed, committer)  # fmt: skip


def peer_target(server: Server, committer: Committer) -> Target:
    def variables(booking_id: uuid.UUID) -> dict[str, Any]:
        return {"bookingId": str(booking_id)}

    return Target("PostGraphile", server, PEER_EVENTS, PEER_CONFIRM, variables,
                  _peer_confirmed, committer)  # fmt: skip


class PeerCommitter(Committer):
    """The peer's status change in raw SQL: peer.transition_booking() as the system actor."""

    async def _confirm_all(self, booking_ids: Any, spacing: float) -> list[Commit]:
        commits = []
        due = time.perf_counter()
        for booking_id in booking_ids:
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            async with self._connection.transaction():
                await self._connection.execute(
                    "SELECT set_config('jwt.claims.sub', $1, true)", str(self._system_id)
                )
                await self._connection.execute(
                    "SELECT peer.transition_booking($1, 'CONFIRM')", booking_id
                )
            at = time.perf_counter()
            commits.append(Commit(str(booking_id), 0, at))
            due = at + spacing
        return commits


@dataclass(frozen=True, slots=True)
class Sent:
    """One mutation: when its request was written, when its answer was read."""

    booking_id: str
    sent: float
    answered: float
    problem: str | None


class Mutator:
    """A thread with its own event loop and one keep-alive HTTP connection to a server."""

    def __init__(self, target: Target, token: str) -> None:
        self.target = target
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bench-mutator",
                                        daemon=True)  # fmt: skip
        server = target.server
        self._client = KeepAliveClient(f"http://{server.host}:{server.port}",
                                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip

    def __enter__(self) -> Mutator:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._client.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    async def confirm(self, booking_id: uuid.UUID) -> Sent:
        return await self._call(self._confirm(booking_id))

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def _confirm(self, booking_id: uuid.UUID) -> Sent:
        body = {"query": self.target.mutation, "variables": self.target.variables(booking_id)}
        sent = time.perf_counter()
        response = await self._client.post_json("/graphql", body)
        answered = time.perf_counter()
        answer = response.json()
        booking = self.target.confirmed(answer)
        problem = None
        if response.status != 200 or booking is None or booking.get("status") != "CONFIRMED":
            problem = f"{response.status}: {str(answer)[:300]}"
        return Sent(str(booking_id), sent, answered, problem)
