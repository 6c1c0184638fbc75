"""Who may reschedule, delete, and add or read notes, beside the state machine
(docs/rules.md#who-may-do-what)."""

from __future__ import annotations

from datetime import datetime

from salonbook.domain import bounds
from salonbook.domain.errors import Forbidden, InvalidTransition, NotFound, VersionConflict
from salonbook.domain.model import Actor, BookingFacts, Parties, Windows, can_view, owns
from salonbook.domain.roles import Role
from salonbook.domain.start_times import check_start
from salonbook.domain.statuses import BookingStatus

RESCHEDULABLE = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


def _visible(actor: Actor, booking: BookingFacts) -> None:
    if not can_view(actor, booking):
        raise NotFound("booking not found")


def check_expected_version(booking: BookingFacts, expected_version: int | None) -> None:
    """A client that names the version it decided on is refused once the booking has moved on."""
    if expected_version is not None and expected_version != booking.version:
        raise VersionConflict(
            f"the booking is at version {booking.version}, not {expected_version}",
            current_version=booking.version,
        )


def check_reschedule(
    *, actor: Actor, booking: BookingFacts, new_start: datetime, now: datetime, windows: Windows
) -> datetime:
    """The new start, in UTC; raises if the actor may not move the booking there."""
    _visible(actor, booking)
    if actor.role is not Role.ADMIN:
        raise Forbidden("only an admin reschedules a booking")
    if booking.status not in RESCHEDULABLE:
        raise InvalidTransition(f"a {booking.status} booking cannot be rescheduled")
    return check_start(new_start, now=now, windows=windows)


def can_read_notes(actor: Actor, booking: Parties) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.STYLIST and owns(actor, booking))


def check_add_note(*, actor: Actor, booking: BookingFacts, body: str) -> str:
    """The note's body, trimmed; raises if the actor may not add it or it is empty/too long."""
    _visible(actor, booking)
    if not can_read_notes(actor, booking):
        raise Forbidden("only the booking's stylist or an admin adds notes")
    return bounds.note_body(body)


def check_delete(*, actor: Actor, booking: BookingFacts, now: datetime) -> None:
    """Customers delete their own bookings unless upcoming CONFIRMED or IN_PROGRESS; admins any."""
    _visible(actor, booking)
    if actor.role is Role.ADMIN:
        return
    if actor.role is not Role.CUSTOMER:
        raise Forbidden(f"a {actor.role} does not delete bookings")
    if booking.status is BookingStatus.IN_PROGRESS or (
        booking.status is BookingStatus.CONFIRMED and booking.start > now
    ):
        raise Forbidden("an upcoming confirmed or in-progress booking cannot be deleted")


def outside_hours_reason(actor: Actor, reason: str | None) -> str | None:
    """An admin's reason for booking outside working hours: admins read it, nobody else."""
    return reason if actor.role is Role.ADMIN else None
