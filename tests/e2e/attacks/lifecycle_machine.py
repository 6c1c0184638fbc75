"""The booking lifecycle as a Hypothesis state machine: people of every role create, move,
act on, annotate and delete bookings through the API, retry with idempotency keys, race each
other in pairs, while the server's clock moves on. After every step the database must be
exactly what the model (lifecycle_model.py, on the hand-written oracle) says: a refused call
changed nothing, a change moved the version by one, the status is the last history row's
target and the history chain has no gap, the outbox holds one event per change. At the end of
each run, every subscriber (subscribed before the first call) must have received exactly the
events it may see, in commit order, and nothing else.

The machine is synchronous: it runs in a worker thread (test_lifecycle_machine.py) and hands
each call to the session's event loop, where the app, its realtime tailer and the subscribers
live."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any, ClassVar, TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.services import Service
from salonbook.domain.clock import SettableClock
from tests.conftest import BASE_TIME
from tests.e2e.attacks.lifecycle_calls import Calls, Viewers, outcome, rows
from tests.e2e.attacks.lifecycle_model import ACTORS, Booked, Model, Request, Stored, steps_from
from tests.e2e.transitions.spec_transitions import ACTIONS
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.streams import tailer, until_feeds
from tests.support.together import together

T = TypeVar("T")
# the party's own people twice as often as the strangers, whose every call is NOT_FOUND
OWN_MOSTLY = st.sampled_from([*sorted(ACTORS), "admin", "system", "customer", "stylist"])
CREATORS = st.sampled_from(["customer", "customer", "admin", "system", "stylist", "other_customer"])
REASONS = st.sampled_from([None, "", "   ", "customer called"])
VERSIONS = st.sampled_from(["none", "current", "stale"])
SLOTS = st.integers(0, 11)
PICK = st.integers(0, 255)
CLOCK_LIMIT = timedelta(hours=20)  # keys live 24 h: the machine stays inside that


@dataclass(frozen=True)
class Context:
    loop: asyncio.AbstractEventLoop
    app: Starlette
    api: Api
    engine: AsyncEngine
    clock: SettableClock
    factory: Factory
    live: str


class Lifecycle(RuleBasedStateMachine):
    context: ClassVar[Context]

    def __init__(self) -> None:
        super().__init__()
        context = self.context
        context.clock.set(BASE_TIME)
        self.model = Model(base=BASE_TIME, now=BASE_TIME)
        self.service: Service = self.run(context.factory.service(minutes=60))
        self.calls = Calls(context.api, self.run(context.factory.party()))
        self.viewers = Viewers()
        feeds = tailer(context.app).feed_count
        self.run(self.viewers.open(context.live, self.calls))
        self.run(until_feeds(context.app, feeds + len(ACTORS)))

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(call, self.context.loop).result(timeout=60)

    def pick(self, index: int) -> Booked:
        """A booking; one not deleted, unless the index says otherwise (one in eight)."""
        every = list(self.model.bookings.values())
        kept = [b for b in every if not b.deleted]
        found = every if index % 8 == 0 or not kept else kept
        return found[index // 8 % len(found)]

    def has_bookings(self) -> bool:
        return bool(self.model.bookings)

    # --- rules ------------------------------------------------------------------------------

    @rule(creator=CREATORS, slot=SLOTS, keyed=st.booleans())
    def create(self, creator: str, slot: int, keyed: bool) -> None:
        given: dict[str, Any] = {
            "stylistId": str(self.calls.party.stylist.id),
            "serviceId": str(self.service.id),
            "startTime": self.model.start_of(slot).isoformat(),
        }
        if creator != "customer":
            given["customerId"] = str(self.calls.party.customer.id)
        if keyed:
            given["idempotencyKey"] = f"create-{uuid.uuid4()}"
        expected = self.model.create(creator=creator, slot=slot)
        result = self.run(self.calls.call("createBooking", creator, given))
        assert outcome(result) == expected, (creator, slot, result)
        if expected is None:
            booking_id = uuid.UUID(result["booking"]["id"])
            self.model.created(booking_id, slot)
            if keyed:
                stored = Stored("createBooking", given, booking_id, str(booking_id))
                self.model.keys[(creator, given["idempotencyKey"])] = stored

    def _transition_input(
        self, b: Booked, action: str, reason: str | None, version: str, key: str | None
    ) -> tuple[dict[str, Any], int | None]:
        expected_version = b.expected_version(version)
        given: dict[str, Any] = {"bookingId": str(b.id), "action": action}
        for name, value in (("reason", reason), ("expectedVersion", expected_version),
                            ("idempotencyKey", key)):  # fmt: skip
            if value is not None:
                given[name] = value
        return given, expected_version

    @precondition(has_bookings)
    @rule(pick=PICK, who=OWN_MOSTLY, action=st.sampled_from(ACTIONS), reason=REASONS,
          version=VERSIONS, keyed=st.booleans())  # fmt: skip
    def transition(
        self, pick: int, who: str, action: str, reason: str | None, version: str, keyed: bool
    ) -> None:
        b = self.pick(pick)
        key = f"act-{uuid.uuid4()}" if keyed else None
        given, expected_version = self._transition_input(b, action, reason, version, key)
        expected = self.model.transition(
            b, who=who, action=action, reason=reason, expected=expected_version
        )
        result = self.run(self.calls.call("transitionBooking", who, given))
        assert outcome(result) == expected, (who, action, reason, b, result)
        if expected == "VERSION_CONFLICT":
            assert result["currentVersion"] == b.version
        if expected is None:
            assert (result["statusChange"]["fromStatus"], result["booking"]["id"]) == (
                b.status,
                str(b.id),
            )
            self.model.transitioned(b, action)
            if key is not None:
                change_id = result["statusChange"]["id"]
                stored = Stored("transitionBooking", given, b.id, change_id)
                self.model.keys[(who, key)] = stored

    @precondition(has_bookings)
    @rule(pick=PICK, choice=st.integers(0, 7), keyed=st.booleans())
    def transition_along(self, pick: int, choice: int, keyed: bool) -> None:
        """A step someone may take from the booking's status (time rules permitting), so
        runs reach deep into the lifecycle rather than mostly being refused."""
        b = self.pick(pick)
        steps = steps_from(b)
        if not steps:
            self.transition(pick, "admin", "CANCEL", "tidy up", "current", keyed)
            return
        who, action = steps[choice % len(steps)]
        self.transition(pick, who, action, "customer called", "current", keyed)

    @precondition(lambda self: bool(self.model.keys))
    @rule(pick=PICK, same=st.booleans())
    def replay(self, pick: int, same: bool) -> None:
        """A retry with a used key: the first answer again, or IDEMPOTENCY_CONFLICT for
        another input; either way nothing changes."""
        (who, _), stored = sorted(self.model.keys.items())[pick % len(self.model.keys)]
        given = stored.request
        if not same and stored.operation == "transitionBooking":
            given = {**given, "reason": f"{given.get('reason') or ''} (edited)"}
        elif not same:
            slot = 11 if given["startTime"] != self.model.start_of(11).isoformat() else 10
            given = {**given, "startTime": self.model.start_of(slot).isoformat()}
        result = self.run(self.calls.call(stored.operation, who, given))
        if not same:
            assert outcome(result) == "IDEMPOTENCY_CONFLICT", (stored, result)
        elif self.model.bookings[stored.booking_id].deleted:
            # the first answer showed the booking, which is now hidden from everyone
            assert outcome(result) == "NOT_FOUND", (stored, result)
        elif stored.operation == "transitionBooking":
            assert result["statusChange"]["id"] == stored.result_id, (stored, result)
        else:
            assert result["booking"]["id"] == stored.result_id, (stored, result)

    @precondition(has_bookings)
    @rule(pick=PICK, who=st.sampled_from(["admin", "admin", "stylist", "customer", "system"]),
          slot=SLOTS, version=VERSIONS)  # fmt: skip
    def reschedule(self, pick: int, who: str, slot: int, version: str) -> None:
        b = self.pick(pick)
        expected_version = b.expected_version(version)
        given: dict[str, Any] = {"bookingId": str(b.id),
                                 "startTime": self.model.start_of(slot).isoformat()}  # fmt: skip
        if expected_version is not None:
            given["expectedVersion"] = expected_version
        expected = self.model.reschedule(b, who=who, slot=slot, expected=expected_version)
        result = self.run(self.calls.call("rescheduleBooking", who, given))
        assert outcome(result) == expected, (who, slot, b, result)
        if expected is None:
            self.model.rescheduled(b, slot)
            assert result["booking"]["version"] == b.version

    @precondition(has_bookings)
    @rule(pick=PICK, who=OWN_MOSTLY)
    def delete(self, pick: int, who: str) -> None:
        b = self.pick(pick)
        expected = self.model.delete(b, who=who)
        result = self.run(self.calls.call("deleteBooking", who, {"bookingId": str(b.id)}))
        assert outcome(result) == expected, (who, b, result)
        if expected is None:
            self.model.deleted(b)

    @precondition(has_bookings)
    @rule(pick=PICK, who=OWN_MOSTLY,
          body=st.sampled_from(["**Great** cut", "- wash\n- dry", "   ", "x" * 2001]))  # fmt: skip
    def add_note(self, pick: int, who: str, body: str) -> None:
        b = self.pick(pick)
        expected = self.model.note(b, who=who, body=body)
        given = {"bookingId": str(b.id), "body": body}
        result = self.run(self.calls.call("addStylistNote", who, given))
        assert outcome(result) == expected, (who, body[:10], b, result)
        if expected is None:
            self.model.record(b, "NOTE_ADDED")

    def clock_has_room(self) -> bool:
        return self.model.now - BASE_TIME < CLOCK_LIMIT

    @precondition(clock_has_room)
    @rule(minutes=st.sampled_from([1, 4, 6, 29, 31, 60, 180]))
    def advance_clock(self, minutes: int) -> None:
        self.context.clock.advance(timedelta(minutes=minutes))
        self.model.now = self.context.clock.now()

    @precondition(has_bookings)
    @rule(pick=PICK, choices=st.tuples(st.integers(0, 7), st.integers(0, 7)),
          one_key=st.booleans())  # fmt: skip
    def concurrent_steps(self, pick: int, choices: tuple[int, int], one_key: bool) -> None:
        """Two steps someone may take from the booking's status, at once."""
        steps = steps_from(self.pick(pick)) or [("admin", "CANCEL")]
        first, second = ((*steps[c % len(steps)], "customer called") for c in choices)
        self.concurrent_pair(pick, first, second, one_key)

    @precondition(has_bookings)
    @rule(pick=PICK, first=st.tuples(OWN_MOSTLY, st.sampled_from(ACTIONS), REASONS),
          second=st.tuples(OWN_MOSTLY, st.sampled_from(ACTIONS), REASONS),
          one_key=st.booleans())  # fmt: skip
    def concurrent_pair(self, pick: int, first: Request, second: Request, one_key: bool) -> None:
        """Two transitions of one booking at once (or one sent twice with one key): the
        answers and the outcome are those of the two in some order, a call that met the
        other's lock answering CONCURRENT_UPDATE and doing nothing."""
        b = self.pick(pick)
        key = f"pair-{uuid.uuid4()}" if one_key else None
        requests = [first, first if one_key else second]
        inputs = [self._transition_input(b, action, reason, "none", key)[0]
                  for _, action, reason in requests]  # fmt: skip
        calls = [
            self.calls.call("transitionBooking", who, given)
            for (who, _, _), given in zip(requests, inputs, strict=True)
        ]
        results = self.run(together(calls, stagger=0.0))
        for world in self.model.pair_worlds(b.id, requests, one_key=one_key):
            model, predicted = world
            if [outcome(r) for r in results] == predicted:
                if one_key and predicted == [None, None]:
                    ids = {r["statusChange"]["id"] for r in results}
                    assert len(ids) == 1, results
                self.model = model
                return
        raise AssertionError(f"no order of {requests} on {b} explains {results}")

    # --- what must hold after every step ----------------------------------------------------

    @invariant()
    def the_database_is_the_model(self) -> None:
        ids = list(self.model.bookings)
        found, history, events = self.run(rows(self.context.engine, ids))
        for b in self.model.bookings.values():
            row = found[b.id]
            assert (row.status, row.version, row.start, row.deleted) == (
                b.status, b.version, b.start, b.deleted), (row, b)  # fmt: skip
            assert history[b.id] == b.history, (history[b.id], b)
            assert events[b.id] == b.events, (events[b.id], b)
            chain = [("", "PENDING"), *history[b.id]]
            assert all(prev[1] == row[0] for prev, row in pairwise(chain)), chain
            assert chain[-1][1] == row.status
            assert row.version == 1 + len(history[b.id]) + b.reschedules + int(b.deleted)

    def teardown(self) -> None:
        try:
            for who in ACTORS:
                expected = self.model.expected_events(who)
                received = self.run(self.viewers.received(who, len(expected)))
                assert received == expected, (who, received, expected)
        finally:
            self.run(self.viewers.close())
