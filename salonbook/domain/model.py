"""The facts about a booking and an actor that the rules look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: UUID
    role: Role


@dataclass(frozen=True, slots=True)
class BookingFacts:
    id: UUID
    status: BookingStatus
    start: datetime
    end: datetime
    customer_id: UUID
    stylist_id: UUID
    price_cents: int
    version: int
    status_changed_at: datetime


@dataclass(frozen=True, slots=True)
class Windows:
    """The time windows of the rules (docs/rules.md); settings, with these defaults."""

    start_early: timedelta = timedelta(minutes=30)
    undo_start: timedelta = timedelta(minutes=5)
    free_cancellation: timedelta = timedelta(hours=24)
    late_cancellation_refund_percent: int = 50
    suggest_start_before: timedelta = timedelta(minutes=15)
    suggest_complete_after_end: timedelta = timedelta(minutes=15)
    suggest_no_show_after_start: timedelta = timedelta(minutes=30)
    booking_horizon: timedelta = timedelta(days=365)
    """How far ahead a booking may start."""
    start_grid_minutes: int = 5
    """Starts fall on this grid, in UTC (0: any minute); it divides 60."""

    def __post_init__(self) -> None:
        if self.start_grid_minutes < 0 or (
            self.start_grid_minutes and 60 % self.start_grid_minutes
        ):
            raise ValueError("the start grid must divide 60 minutes (or be 0: no grid)")
        if self.booking_horizon <= timedelta(0):
            raise ValueError("the booking horizon must be positive")


class Parties(Protocol):
    """Whose booking it is: a booking's facts, or an event about the booking."""

    @property
    def customer_id(self) -> UUID: ...

    @property
    def stylist_id(self) -> UUID: ...


def owns(actor: Actor, booking: Parties) -> bool:
    if actor.role is Role.CUSTOMER:
        return booking.customer_id == actor.person_id
    if actor.role is Role.STYLIST:
        return booking.stylist_id == actor.person_id
    return False


def can_view(actor: Actor, booking: Parties) -> bool:
    return actor.role.sees_everything or owns(actor, booking)


def sees_client_details(viewer: Actor) -> bool:
    """The IP address and user agent recorded with a status change or a move: shown to admin
    and system viewers only."""
    return viewer.role.sees_everything


def audience(viewer: Actor) -> tuple[Role, UUID | None]:
    """Viewers of one audience see any booking alike, so what is rendered for one of them may
    be sent to all: admins alike, the system alike, anyone else only as themselves (their own
    contact details, the actions they may take on their own bookings)."""
    return (viewer.role, None if viewer.role.sees_everything else viewer.person_id)
