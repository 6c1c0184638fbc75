"""The model the lifecycle state machine holds the service to: bookings as docs/rules.md says
they are after each call, and what each call should answer. Status rules come from the
hand-written oracle (tests/e2e/transitions/spec_transitions.py); the rest (who may create,
reschedule, delete and add notes, slots, idempotency keys) is written out here from
docs/rules.md's "Who may do what", "Visibility" and "Idempotency"."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.e2e.transitions.spec_transitions import ROWS, Actor, Moment, expected_outcome, row_for

SLOT = timedelta(hours=2)  # bookings last an hour, slots start two hours apart
NOTE_MAX = 2000
ACTORS = {
    "customer": Actor("CUSTOMER"),
    "stylist": Actor("STYLIST"),
    "other_customer": Actor("CUSTOMER", own=False),
    "other_stylist": Actor("STYLIST", own=False),
    "admin": Actor("ADMIN"),
    "system": Actor("SYSTEM"),
}
EVERYONE_OWN = ("admin", "system", "customer", "stylist")
# who receives each kind of event of the party's bookings (NOTE_ADDED: never customers)
RECEIVERS = {
    "CREATED": EVERYONE_OWN,
    "STATUS_CHANGED": EVERYONE_OWN,
    "RESCHEDULED": EVERYONE_OWN,
    "DELETED": EVERYONE_OWN,
    "NOTE_ADDED": ("admin", "stylist"),
}


Request = tuple[str, str, str | None]  # who, action, reason


def steps_from(b: Booked) -> list[tuple[str, str]]:
    """(who, action) for each row of the table from the booking's status."""
    return [(role.lower(), row.action) for row in ROWS if row.source == b.status
            for role in row.who]  # fmt: skip


@dataclass
class Booked:
    """One booking as the model knows it."""

    id: uuid.UUID
    start: datetime
    changed_at: datetime
    status: str = "PENDING"
    version: int = 1
    deleted: bool = False
    reschedules: int = 0
    history: list[tuple[str, str]] = field(default_factory=list)
    events: list[str] = field(default_factory=lambda: ["CREATED"])

    @property
    def live(self) -> bool:
        """Holds its slot (docs/rules.md: not CANCELLED, NO_SHOW or deleted)."""
        return not self.deleted and self.status not in ("CANCELLED", "NO_SHOW")

    def expected_version(self, choice: str) -> int | None:
        """The expectedVersion a call sends: none, the current one, or a stale one."""
        return {"none": None, "current": self.version, "stale": self.version - 1}[choice]


@dataclass
class Stored:
    """An idempotency key's first successful use."""

    operation: str
    request: dict[str, Any]
    booking_id: uuid.UUID
    result_id: str  # the status change's id, or the created booking's


@dataclass
class Model:
    base: datetime
    now: datetime
    bookings: dict[uuid.UUID, Booked] = field(default_factory=dict)
    keys: dict[tuple[str, str], Stored] = field(default_factory=dict)
    log: list[tuple[str, uuid.UUID]] = field(default_factory=list)
    """(event kind, booking id) in commit order."""

    def clone(self) -> Model:
        return copy.deepcopy(self)

    def start_of(self, slot: int) -> datetime:
        return self.base + SLOT * slot

    def slot_taken(self, start: datetime, *, moving: uuid.UUID | None = None) -> bool:
        return any(b.live and b.start == start and b.id != moving for b in self.bookings.values())

    def record(self, booking: Booked, kind: str) -> None:
        booking.events.append(kind)
        self.log.append((kind, booking.id))

    def expected_events(self, viewer: str) -> list[tuple[str, str]]:
        return [(kind, str(bid)) for kind, bid in self.log if viewer in RECEIVERS[kind]]

    def pair_worlds(
        self, booking_id: uuid.UUID, requests: list[Request], *, one_key: bool
    ) -> list[tuple[Model, list[str | None]]]:
        """Each way the pair could have gone: an order, and whether each call met a lock."""
        worlds = []
        for order in ((0, 1), (1, 0)):
            for locked_out in ((), (order[1],), (order[0],)):
                model = self.clone()
                predicted: list[str | None] = [None, None]
                succeeded = False
                for i in order:
                    who, action, reason = requests[i]
                    b = model.bookings[booking_id]
                    if i in locked_out:
                        predicted[i] = "CONCURRENT_UPDATE"
                        continue
                    if one_key and succeeded:
                        predicted[i] = None  # the replay of the first call's answer
                        continue
                    code = model.transition(b, who=who, action=action, reason=reason,
                                            expected=None)  # fmt: skip
                    predicted[i] = code
                    if code is None:
                        model.transitioned(b, action)
                        succeeded = True
                # a call meets a lock only while the other one is changing the booking
                if locked_out and not succeeded:
                    continue
                worlds.append((model, predicted))
        return worlds

    # --- what each call should answer: an error code, or None for a change -------------

    def create(self, *, creator: str, slot: int) -> str | None:
        if creator in ("stylist", "other_stylist", "other_customer"):
            return "FORBIDDEN"  # stylists never book; a customer books only for itself
        start = self.start_of(slot)
        if start <= self.now:
            return "VALIDATION_FAILED"
        return "SLOT_UNAVAILABLE" if self.slot_taken(start) else None

    def created(self, booking_id: uuid.UUID, slot: int) -> Booked:
        booking = Booked(id=booking_id, start=self.start_of(slot), changed_at=self.now)
        self.bookings[booking_id] = booking
        self.log.append(("CREATED", booking_id))
        return booking

    def transition(
        self, b: Booked, *, who: str, action: str, reason: str | None, expected: int | None
    ) -> str | None:
        actor = ACTORS[who]
        if b.deleted or not actor.own:
            return "NOT_FOUND"
        if expected is not None and expected != b.version:
            return "VERSION_CONFLICT"
        moment = Moment(after_start=self.now - b.start, since_change=self.now - b.changed_at)
        return expected_outcome(
            status=b.status, action=action, actor=actor, moment=moment, reason=reason
        )

    def transitioned(self, b: Booked, action: str) -> None:
        row = row_for(b.status, action)
        assert row is not None
        b.history.append((b.status, row.target))
        b.status, b.version, b.changed_at = row.target, b.version + 1, self.now
        self.record(b, "STATUS_CHANGED")

    def reschedule(self, b: Booked, *, who: str, slot: int, expected: int | None) -> str | None:
        actor = ACTORS[who]
        if b.deleted or not actor.own:
            return "NOT_FOUND"
        if expected is not None and expected != b.version:
            return "VERSION_CONFLICT"
        if actor.role != "ADMIN":
            return "FORBIDDEN"
        if b.status not in ("PENDING", "CONFIRMED"):
            return "INVALID_TRANSITION"
        start = self.start_of(slot)
        if start <= self.now:
            return "VALIDATION_FAILED"
        return "SLOT_UNAVAILABLE" if self.slot_taken(start, moving=b.id) else None

    def rescheduled(self, b: Booked, slot: int) -> None:
        b.start, b.version, b.reschedules = self.start_of(slot), b.version + 1, b.reschedules + 1
        self.record(b, "RESCHEDULED")

    def delete(self, b: Booked, *, who: str) -> str | None:
        actor = ACTORS[who]
        if b.deleted or not actor.own:
            return "NOT_FOUND"
        if actor.role == "ADMIN":
            return None
        if actor.role != "CUSTOMER":
            return "FORBIDDEN"
        upcoming = b.status == "CONFIRMED" and b.start > self.now
        return "FORBIDDEN" if b.status == "IN_PROGRESS" or upcoming else None

    def deleted(self, b: Booked) -> None:
        b.deleted, b.version = True, b.version + 1
        self.record(b, "DELETED")

    def note(self, b: Booked, *, who: str, body: str) -> str | None:
        actor = ACTORS[who]
        if b.deleted or not actor.own:
            return "NOT_FOUND"
        if actor.role not in ("ADMIN", "STYLIST"):
            return "FORBIDDEN"
        return None if 1 <= len(body.strip()) <= NOTE_MAX else "VALIDATION_FAILED"
