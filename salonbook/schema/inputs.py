"""Mutation inputs and the booking filter, with their parsing into domain values."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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


# Descriptions state the domain's bounds (salonbook/domain/bounds.py), never restated by hand.
_REASON = f"At most {bounds.REASON_MAX} characters, trimmed."
_KEY = f"1 to {bounds.IDEMPOTENCY_KEY_MAX} printable characters."
_START = (
    "In the future, at most the booking horizon ahead, on the start grid in UTC"
    " (by default: 365 days; every 5 minutes, whole minutes)."
)


def _optional(description: str) -> Any:
    """An optional input field, absent by default."""
    return strawberry.field(default=None, description=description)


@built_directly
@strawberry.input
class BookingFilter:
    statuses: list[BookingStatus] | None = None
    stylist_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    starts_after: datetime | None = _optional("Inclusive; without an offset, UTC.")
    starts_before: datetime | None = _optional("Exclusive; without an offset, UTC.")


@built_directly
@strawberry.input
class CreateBookingInput:
    stylist_id: strawberry.ID
    service_id: strawberry.ID
    start_time: datetime = strawberry.field(description=_START)
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the signed-in customer."
    )
    idempotency_key: str | None = _optional(_KEY)


@built_directly
@strawberry.input
class TransitionBookingInput:
    booking_id: strawberry.ID
    action: BookingAction
    reason: str | None = _optional(_REASON)
    expected_version: int | None = None
    idempotency_key: str | None = _optional(_KEY)


@strawberry.input
class UpsertServiceInput:
    name: str = strawberry.field(description=f"1 to {bounds.SERVICE_NAME_MAX} characters, trimmed.")
    duration_minutes: int = strawberry.field(
        description=f"{bounds.DURATION_MINUTES_MIN} to {bounds.DURATION_MINUTES_MAX}."
    )
    price_cents: int = strawberry.field(description=f"0 to {bounds.PRICE_CENTS_MAX}.")
    currency: str = strawberry.field(description="ISO 4217: 3 capital letters, like EUR.")
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    active: bool = True


@strawberry.input
class UpsertPersonInput:
    role: Role
    display_name: str = strawberry.field(
        description=f"1 to {bounds.DISPLAY_NAME_MAX} characters, trimmed."
    )
    id: strawberry.ID | None = strawberry.field(default=None, description="Omit to create.")
    email: str | None = _optional(f"At most {bounds.EMAIL_MAX} characters.")
    phone: str | None = _optional(
        f"{bounds.PHONE_MIN} to {bounds.PHONE_MAX} characters: digits, spaces, ( ) - and a"
        " leading +."
    )


@strawberry.input
class RescheduleBookingInput:
    booking_id: strawberry.ID
    start_time: datetime = strawberry.field(description=_START)
    reason: str | None = _optional(_REASON)
    expected_version: int | None = None
    idempotency_key: str | None = _optional(_KEY)


@strawberry.input
class AddStylistNoteInput:
    booking_id: strawberry.ID
    body: str = strawberry.field(
        description=f"Markdown: bold, italic, bullet lists; 1 to {bounds.NOTE_BODY_MAX}"
        " characters, trimmed."
    )


@strawberry.input
class DeleteBookingInput:
    booking_id: strawberry.ID
    reason: str | None = _optional(_REASON)


@strawberry.input
class ErasePersonInput:
    person_id: strawberry.ID
    reason: str = strawberry.field(description=_REASON)
