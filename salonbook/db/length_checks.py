"""The CHECK constraints that bound client-supplied text in the database, generated from the
domain's bounds (salonbook/domain/bounds.py), never typed twice.

Each column says what a row written before the bound existed becomes when it is longer:
- `CUT`: cut to the bound (names, reasons copied onto a booking: the full reason stays in the
  audit history), then the constraint is validated;
- `CLEARED`: set to NULL (an over-long email or phone number is not a usable one), then the
  constraint is validated;
- `KEPT`: left as written, the constraint added NOT VALID, so it holds for every row written
  from now on. These rows are never rewritten: the audit history and the reschedules are
  append-only (rewriting them would falsify the record), a payment event is what the
  processor sent, and an idempotency key lives 24 hours. NOT VALID also spares a scan of
  the large audit tables under an exclusive lock."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from salonbook.domain import bounds, schedules


class Overlong(enum.Enum):
    CUT = "cut"
    CLEARED = "cleared"
    KEPT = "kept"


@dataclass(frozen=True, slots=True)
class LengthCheck:
    table: str
    column: str
    most: int
    overlong: Overlong

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_length"

    @property
    def condition(self) -> str:
        return f"char_length({self.column}) <= {self.most}"


CUT, CLEARED, KEPT = Overlong.CUT, Overlong.CLEARED, Overlong.KEPT

LENGTH_CHECKS: tuple[LengthCheck, ...] = (
    LengthCheck("people", "display_name", bounds.DISPLAY_NAME_MAX, CUT),
    LengthCheck("people", "email", bounds.EMAIL_MAX, CLEARED),
    LengthCheck("people", "phone", bounds.PHONE_MAX, CLEARED),
    LengthCheck("people", "erasure_reason", bounds.REASON_MAX, CUT),
    LengthCheck("services", "name", bounds.SERVICE_NAME_MAX, CUT),
    LengthCheck("bookings", "cancel_reason", bounds.REASON_MAX, CUT),
    LengthCheck("bookings", "delete_reason", bounds.REASON_MAX, CUT),
    LengthCheck("booking_status_history", "reason", bounds.REASON_MAX, KEPT),
    LengthCheck("booking_status_history", "user_agent", bounds.USER_AGENT_MAX, KEPT),
    LengthCheck("booking_reschedules", "reason", bounds.REASON_MAX, KEPT),
    LengthCheck("booking_reschedules", "user_agent", bounds.USER_AGENT_MAX, KEPT),
    LengthCheck("stylist_notes", "body", bounds.NOTE_BODY_MAX, KEPT),
    LengthCheck("payment_events", "id", bounds.PAYMENT_EVENT_ID_MAX, KEPT),
    LengthCheck("idempotency_keys", "key", bounds.IDEMPOTENCY_KEY_MAX, KEPT),
)
"""Every text column that holds what a client (or a request's headers) supplied, up to migration
0006, which added these. Role, status, action, kind and policy columns hold the service's own
enum values."""

SCHEDULE_LENGTH_CHECKS: tuple[LengthCheck, ...] = (
    LengthCheck("salon_settings", "time_zone", schedules.TIME_ZONE_MAX, CUT),
    LengthCheck("time_off", "reason", bounds.REASON_MAX, CUT),
    LengthCheck("closures", "reason", bounds.REASON_MAX, CUT),
    LengthCheck("schedule_changes", "reason", bounds.REASON_MAX, CUT),
    LengthCheck("schedule_changes", "user_agent", bounds.USER_AGENT_MAX, CUT),
    LengthCheck("bookings", "created_outside_hours_reason", bounds.REASON_MAX, CUT),
)
"""The columns migration 0008 added (working time): all new, so no row is ever over the bound
when the constraint comes (the checks are created with their tables or columns)."""

ALL_LENGTH_CHECKS = LENGTH_CHECKS + SCHEDULE_LENGTH_CHECKS

# Every change of a booking adds 1 to its version (the bookings_guard trigger insists).
_ALSO_SET = {"bookings": ", version = version + 1"}


def fix_overlong_sql(check: LengthCheck) -> str | None:
    """The statement that brings older rows within the bound, if the column's are changed."""
    if check.overlong is KEPT:
        return None
    value = f"left({check.column}, {check.most})" if check.overlong is CUT else "NULL"
    also = _ALSO_SET.get(check.table, "")
    return f"UPDATE {check.table} SET {check.column} = {value}{also} WHERE NOT ({check.condition})"


def add_check_sql(check: LengthCheck) -> str:
    valid = "" if check.overlong is not KEPT else " NOT VALID"
    return f"ALTER TABLE {check.table} ADD CONSTRAINT {check.name} CHECK ({check.condition}){valid}"


def drop_check_sql(check: LengthCheck) -> str:
    return f"ALTER TABLE {check.table} DROP CONSTRAINT {check.name}"


CURRENCY_CHECK = "bookings_currency_code"


def currency_check_sql() -> str:
    """A booking's currency is copied from its service, whose own CHECK has the same pattern."""
    return (
        f"ALTER TABLE bookings ADD CONSTRAINT {CURRENCY_CHECK}"
        f" CHECK (currency ~ '^{bounds.CURRENCY_PATTERN}$')"
    )
