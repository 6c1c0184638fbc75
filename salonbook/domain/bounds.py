"""How long each text may be and which numbers are sane: the one home of every input bound.

The API refuses what is out of bounds with VALIDATION_FAILED (naming the field and the limit)
before anything is written; the database's CHECK constraints are generated from the same
constants (salonbook/db/length_checks.py). Changing a limit therefore needs a migration that
replaces the constraint. Reasons, names and note bodies are trimmed here, once."""

from __future__ import annotations

import re
import unicodedata

from salonbook.domain.errors import ValidationFailed

REASON_MAX = 500
"""A status change, reschedule, deletion or erasure reason (trimmed)."""
DISPLAY_NAME_MAX = 200
EMAIL_MAX = 254
"""The longest address SMTP can carry (RFC 5321's path limit)."""
PHONE_MIN, PHONE_MAX = 5, 32
SERVICE_NAME_MAX = 200
NOTE_BODY_MAX = 2000
IDEMPOTENCY_KEY_MAX = 128
PAYMENT_EVENT_ID_MAX = 200
USER_AGENT_MAX = 512
"""A User-Agent header is kept (in the audit rows) cut to this many characters."""
CURSOR_MAX = 200
"""A `bookings` connection cursor; the service's own are under 100 characters."""
DURATION_MINUTES_MIN, DURATION_MINUTES_MAX = 5, 720
PRICE_CENTS_MAX = 100_000_000
"""A million in a currency's major unit: far above any salon service, far below 2**31."""
CURRENCY_PATTERN = "[A-Z]{3}"
"""An ISO 4217 code; the database checks the same pattern."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ()\-]+")
_CURRENCY = re.compile(CURRENCY_PATTERN)
_LINE_BREAKS = frozenset("\t\n\r")


def _controls(text: str, *, allowed: frozenset[str] = frozenset()) -> bool:
    if text.isprintable():  # the usual case, checked in C
        return False
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def _multiline(text: str, field: str) -> None:
    """Free text may break lines; other control characters (NUL above all, which PostgreSQL
    cannot store) are refused."""
    if _controls(text, allowed=_LINE_BREAKS):
        raise ValidationFailed(
            f"{field} cannot contain control characters other than tabs and line breaks",
            field=field,
        )


def _one_line(text: str, field: str) -> None:
    if _controls(text):
        raise ValidationFailed(f"{field} cannot contain control characters", field=field)


def reason(value: str | None, *, field: str = "reason") -> str | None:
    """A reason, trimmed; None when absent or blank (whether one is required is the rules')."""
    if value is None:
        return None
    trimmed = value.strip()
    if len(trimmed) > REASON_MAX:
        raise ValidationFailed(f"{field} is at most {REASON_MAX} characters", field=field)
    _multiline(trimmed, field)
    return trimmed or None


def note_body(value: str, *, field: str = "body") -> str:
    trimmed = value.strip()
    if not 1 <= len(trimmed) <= NOTE_BODY_MAX:
        raise ValidationFailed(
            f"{field} is 1 to {NOTE_BODY_MAX} characters after trimming", field=field
        )
    _multiline(trimmed, field)
    return trimmed


def _name(value: str, *, field: str, most: int) -> str:
    trimmed = value.strip()
    if not 1 <= len(trimmed) <= most:
        raise ValidationFailed(f"{field} must be 1 to {most} characters", field=field)
    _one_line(trimmed, field)
    return trimmed


def display_name(value: str, *, field: str = "displayName") -> str:
    return _name(value, field=field, most=DISPLAY_NAME_MAX)


def service_name(value: str, *, field: str = "name") -> str:
    return _name(value, field=field, most=SERVICE_NAME_MAX)


def email(value: str | None, *, field: str = "email") -> str | None:
    if value is None:
        return None
    if len(value) > EMAIL_MAX:
        raise ValidationFailed(f"{field} is at most {EMAIL_MAX} characters", field=field)
    if not _EMAIL.fullmatch(value) or _controls(value):
        raise ValidationFailed(f"{field} is not an email address", field=field)
    return value


def phone(value: str | None, *, field: str = "phone") -> str | None:
    if value is None:
        return None
    if not PHONE_MIN <= len(value) <= PHONE_MAX:
        raise ValidationFailed(
            f"{field} must be {PHONE_MIN} to {PHONE_MAX} characters", field=field
        )
    if not _PHONE.fullmatch(value):
        raise ValidationFailed(
            f"{field} is not a phone number (digits, spaces, ( ) - and a leading +)", field=field
        )
    return value


def currency(value: str, *, field: str = "currency") -> str:
    if not _CURRENCY.fullmatch(value):
        raise ValidationFailed(
            f"{field} must be an ISO 4217 code of 3 capital letters, like EUR", field=field
        )
    return value


def duration_minutes(value: int, *, field: str = "durationMinutes") -> int:
    if not DURATION_MINUTES_MIN <= value <= DURATION_MINUTES_MAX:
        raise ValidationFailed(
            f"{field} must be {DURATION_MINUTES_MIN} to {DURATION_MINUTES_MAX}", field=field
        )
    return value


def price_cents(value: int, *, field: str = "priceCents") -> int:
    if not 0 <= value <= PRICE_CENTS_MAX:
        raise ValidationFailed(f"{field} must be 0 to {PRICE_CENTS_MAX}", field=field)
    return value


def idempotency_key(value: str | None, *, field: str = "idempotencyKey") -> str | None:
    if value is None:
        return None
    if not 1 <= len(value) <= IDEMPOTENCY_KEY_MAX:
        raise ValidationFailed(
            f"{field} must be 1 to {IDEMPOTENCY_KEY_MAX} characters", field=field
        )
    if not value.isprintable():
        raise ValidationFailed(f"{field} must be printable characters", field=field)
    return value


def payment_event_id_valid(value: str) -> bool:
    return 1 <= len(value) <= PAYMENT_EVENT_ID_MAX and not _controls(value)


def user_agent(value: str | None) -> str | None:
    """What is kept of a User-Agent header: the server records it, so it is cut, not refused."""
    if value is None:
        return None
    if _controls(value):
        value = "".join(c for c in value if unicodedata.category(c) != "Cc")
    return value[:USER_AGENT_MAX] or None


def name_from_claim(value: str | None) -> str:
    """A token's `name` claim, as kept for a newly provisioned person: the issuer is trusted,
    so an over-long name is cut rather than locking its owner out."""
    spaced = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value or "")
    return " ".join(spaced.split())[:DISPLAY_NAME_MAX].strip()


def email_from_claim(value: str | None) -> str | None:
    """A token's `email` claim when it is a storable address; otherwise none is kept."""
    try:
        return email(value)
    except ValidationFailed:
        return None
