"""When a booking may start, and how a time filter of a query is read.

A start is in the future, at most the booking horizon ahead, and on the start grid in UTC
(seconds and microseconds zero, minutes a multiple of the grid). Dates are checked against the
window before any arithmetic: a DateTime such as 9999-12-31T23:59:59-14:00 is valid as
written but beyond the last representable instant once in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from salonbook.domain.errors import ValidationFailed
from salonbook.domain.model import Windows

EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def start_fault(start: datetime, *, now: datetime, windows: Windows) -> str | None:
    """Which start rule `start` breaks ("offset", "past", "horizon", "grid"), or None. The one
    home of the rule: check_start words the refusal, availability lists only starts it passes."""
    if start.tzinfo is None or start.utcoffset() is None:
        return "offset"
    if start <= now:  # aware comparisons never overflow, whatever the offset
        return "past"
    if start > now + windows.booking_horizon:
        return "horizon"
    grid = windows.start_grid_minutes
    if grid:
        utc = start.astimezone(UTC)
        if utc.second or utc.microsecond or utc.minute % grid:
            return "grid"
    return None


def check_start(
    start: datetime, *, now: datetime, windows: Windows, field: str = "startTime"
) -> datetime:
    """The start, in UTC; raises ValidationFailed naming the rule it breaks."""
    fault = start_fault(start, now=now, windows=windows)
    if fault == "offset":
        raise ValidationFailed(f"{field} needs a time zone offset", field=field)
    if fault == "past":
        raise ValidationFailed(f"{field} must be in the future", field=field)
    if fault == "horizon":
        days = windows.booking_horizon.days
        raise ValidationFailed(f"{field} must be at most {days} days ahead", field=field)
    if fault == "grid":
        grid = windows.start_grid_minutes
        raise ValidationFailed(
            f"{field} must be on a {grid}-minute grid (whole minutes, a multiple of {grid})",
            field=field,
        )
    return start.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Any DateTime GraphQL accepts as an instant in UTC, never overflowing: one before the
    first or after the last representable instant is that instant (every booking lies between
    them), and one without an offset is read as UTC. Query filters are read so, and so is the
    start an idempotency key remembers."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    if value <= EARLIEST:
        return EARLIEST
    if value >= LATEST:
        return LATEST
    return value.astimezone(UTC)


def on_grid(moment: datetime, *, windows: Windows) -> datetime:
    """The grid start at or before `moment` (UTC), for callers that pick starts themselves."""
    utc = moment.astimezone(UTC).replace(second=0, microsecond=0)
    grid = windows.start_grid_minutes
    return utc.replace(minute=utc.minute - utc.minute % grid) if grid else utc
