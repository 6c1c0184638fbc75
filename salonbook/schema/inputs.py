"""Mutation inputs and the booking filter, with their parsing into domain values."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from salonbook.domain import bounds
from salonbook.domain.errors import ValidationFailed
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.schema.flat_inputs import built_directly


def parse_id(value: strawberry.ID | str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(f"{field} is not a valid id", field=field) from None


def parse_key(value: str | None) -> str | None:
    return bounds.idempotency_key(value)


@built_directly
@strawberry.input
class BookingFilter:
    statuses: list[BookingStatus] | None = None
    stylist_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None


@built_directly
@strawberry.input
class CreateBookingInput:
    stylist_id: strawberry.ID
    service_id: strawberry.ID
    start_time: datetime
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the signed-in customer."
    )
    idempotency_key: str | None = None


@built_directly
@strawberry.input
class TransitionBookingInput:
    booking_id: strawberry.ID
    action: BookingAction
    reason: str | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class UpsertServiceInput:
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    active: bool = True


@strawberry.input
class UpsertPersonInput:
    role: Role
    display_name: str
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    email: str | None = None
    phone: str | None = None


@strawberry.input
class RescheduleBookingInput:
    booking_id: strawberry.ID
    start_time: datetime
    reason: str | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class AddStylistNoteInput:
    booking_id: strawberry.ID
    body: str = strawberry.field(description="Markdown: bold, italic, bullet lists; 1-2000.")


@strawberry.input
class DeleteBookingInput:
    booking_id: strawberry.ID
    reason: str | None = None


@strawberry.input
class ErasePersonInput:
    person_id: strawberry.ID
    reason: str
