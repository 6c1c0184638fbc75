"""What inputs share: parsing ids and idempotency keys, and the descriptions of bounded fields."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from salonbook.domain import bounds
from salonbook.domain.errors import ValidationFailed


def parse_id(value: strawberry.ID | str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(f"{field} is not a valid id", field=field) from None


def parse_optional_id(value: strawberry.ID | str | None, *, field: str) -> uuid.UUID | None:
    return parse_id(value, field=field) if value is not None else None


def parse_key(value: str | None) -> str | None:
    return bounds.idempotency_key(value)


# Descriptions state the domain's bounds (salonbook/domain/bounds.py), never restated by hand.
REASON = f"At most {bounds.REASON_MAX} characters, trimmed."
KEY = f"1 to {bounds.IDEMPOTENCY_KEY_MAX} printable characters."
OVERRIDE = (
    f"Admin only: book outside the stylist's working time, for this reason (kept in the audit;"
    f" at most {bounds.REASON_MAX} characters, trimmed). The overlap with other bookings is"
    " still refused."
)
START = (
    "In the future, at most the booking horizon ahead, on the start grid in UTC"
    " (by default: 365 days; every 5 minutes, whole minutes)."
)


def optional(description: str) -> Any:
    """An optional input field, absent by default."""
    return strawberry.field(default=None, description=description)
