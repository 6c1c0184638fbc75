"""The transition table of docs/rules.md, written out again by hand, and the outcome it predicts.

Deliberately independent of salonbook.domain.transitions: the tests hold the service to this
copy, so a wrong row in the code cannot also be the row its tests expect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

ACTIONS = (
    "CONFIRM",
    "CANCEL",
    "START",
    "COMPLETE",
    "MARK_NO_SHOW",
    "UNDO_START",
    "REVERT_NO_SHOW",
)
STATUSES = ("PENDING", "CONFIRMED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "NO_SHOW")
ACTIONS_WITH_REASON = ("CANCEL", "MARK_NO_SHOW", "REVERT_NO_SHOW")


@dataclass(frozen=True)
class Actor:
    """Who acts in a case: a role, and whether the booking is their own (admin and system
    have no "other": they see every booking)."""

    role: str
    own: bool = True

    @property
    def label(self) -> str:
        if self.role in ("ADMIN", "SYSTEM"):
            return self.role.lower()
        return f"{'own' if self.own else 'other'}-{self.role.lower()}"


CUSTOMER, STYLIST = Actor("CUSTOMER"), Actor("STYLIST")
OTHER_CUSTOMER, OTHER_STYLIST = Actor("CUSTOMER", own=False), Actor("STYLIST", own=False)
ADMIN, SYSTEM = Actor("ADMIN"), Actor("SYSTEM")
OWN_ACTORS = (CUSTOMER, STYLIST, ADMIN, SYSTEM)
EVERY_ACTOR = (CUSTOMER, OTHER_CUSTOMER, STYLIST, OTHER_STYLIST, ADMIN, SYSTEM)


@dataclass(frozen=True)
class Moment:
    """Where the server clock stands: `after_start` = now - start (negative before the start),
    `since_change` = now - the booking's last status change."""

    after_start: timedelta
    since_change: timedelta = timedelta(0)

    @property
    def label(self) -> str:
        return f"start{_signed(self.after_start)}/changed-{_signed(self.since_change)[1:]}"


def _signed(delta: timedelta) -> str:
    sign = "-" if delta < timedelta(0) else "+"
    return f"{sign}{int(abs(delta).total_seconds())}s"


TimeRule = Callable[[Moment], bool]
MINUTE = timedelta(minutes=1)


def from_half_hour_early(moment: Moment) -> bool:
    return moment.after_start >= -30 * MINUTE


def from_start(moment: Moment) -> bool:
    return moment.after_start >= timedelta(0)


def before_start(moment: Moment) -> bool:
    return moment.after_start < timedelta(0)


def within_undo_window(moment: Moment) -> bool:
    return moment.since_change <= 5 * MINUTE


@dataclass(frozen=True)
class Who:
    """One role's place in a row: own bookings only or any, its time rule, its reason rule."""

    own: bool
    when: TimeRule | None = None
    late: str = "INVALID_TIMING"
    reason: str = "none"  # "none" | "optional" | "required"


@dataclass(frozen=True)
class Row:
    action: str
    source: str
    target: str
    who: dict[str, Who] = field(default_factory=dict)


_REQUIRED, _OPTIONAL = "required", "optional"

ROWS = (
    Row("CONFIRM", "PENDING", "CONFIRMED", {"SYSTEM": Who(own=False)}),
    Row(
        "CANCEL",
        "PENDING",
        "CANCELLED",
        {
            "SYSTEM": Who(own=False, reason=_OPTIONAL),
            "CUSTOMER": Who(own=True, reason=_REQUIRED),
            "STYLIST": Who(own=True, reason=_REQUIRED),
            "ADMIN": Who(own=False, reason=_REQUIRED),
        },
    ),
    Row(
        "START",
        "CONFIRMED",
        "IN_PROGRESS",
        {
            "STYLIST": Who(own=True, when=from_half_hour_early),
            "ADMIN": Who(own=False, when=from_half_hour_early),
        },
    ),
    Row(
        "COMPLETE",
        "CONFIRMED",
        "COMPLETED",
        {"STYLIST": Who(own=True, when=from_start), "ADMIN": Who(own=False, when=from_start)},
    ),
    Row(
        "COMPLETE", "IN_PROGRESS", "COMPLETED", {"STYLIST": Who(own=True), "ADMIN": Who(own=False)}
    ),
    Row(
        "CANCEL",
        "CONFIRMED",
        "CANCELLED",
        {
            "CUSTOMER": Who(own=True, when=before_start, reason=_REQUIRED),
            "STYLIST": Who(own=True, when=before_start, reason=_REQUIRED),
            "ADMIN": Who(own=False, reason=_REQUIRED),
        },
    ),
    Row(
        "MARK_NO_SHOW",
        "CONFIRMED",
        "NO_SHOW",
        {
            "STYLIST": Who(own=True, when=from_start, reason=_OPTIONAL),
            "ADMIN": Who(own=False, when=from_start, reason=_OPTIONAL),
        },
    ),
    Row(
        "CANCEL",
        "IN_PROGRESS",
        "CANCELLED",
        {"STYLIST": Who(own=True, reason=_REQUIRED), "ADMIN": Who(own=False, reason=_REQUIRED)},
    ),
    Row(
        "UNDO_START",
        "IN_PROGRESS",
        "CONFIRMED",
        {
            "STYLIST": Who(own=True, when=within_undo_window, late="UNDO_WINDOW_EXPIRED"),
            "ADMIN": Who(own=False, when=within_undo_window, late="UNDO_WINDOW_EXPIRED"),
        },
    ),
    Row("REVERT_NO_SHOW", "NO_SHOW", "CONFIRMED", {"ADMIN": Who(own=False, reason=_REQUIRED)}),
)


def row_for(status: str, action: str) -> Row | None:
    return next((r for r in ROWS if r.source == status and r.action == action), None)


def expected_outcome(
    *, status: str, action: str, actor: Actor, moment: Moment, reason: str | None
) -> str | None:
    """The error code docs/rules.md#errors predicts, first match wins; None for a change."""
    if not actor.own:
        return "NOT_FOUND"
    if not any(actor.role in r.who for r in ROWS if r.action == action):
        return "FORBIDDEN"
    row = row_for(status, action)
    if row is None:
        return "INVALID_TRANSITION"
    who = row.who.get(actor.role)
    if who is None or (who.own and not actor.own):
        return "FORBIDDEN"
    if who.when is not None and not who.when(moment):
        return who.late
    if who.reason == _REQUIRED and not (reason or "").strip():
        return "REASON_REQUIRED"
    return None


def recorded_reason(*, status: str, action: str, actor: Actor, reason: str | None) -> str | None:
    """The reason the audit keeps for an allowed change: trimmed, none when blank or unasked."""
    row = row_for(status, action)
    assert row is not None
    if row.who[actor.role].reason == "none":
        return None
    return (reason or "").strip() or None


def requires_reason(*, status: str, action: str, actor: Actor) -> bool:
    row = row_for(status, action)
    return row is not None and row.who[actor.role].reason == _REQUIRED
