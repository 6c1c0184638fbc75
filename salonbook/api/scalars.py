"""The DateTime scalar: strawberry's, except that every unreadable value is a coercion error.

Strawberry's own turns only ValueError into one; `9999-12-31T24:00:00` (midnight after the last
day) overflows instead, and as an inline literal that became an unexpected, masked error."""

from __future__ import annotations

from datetime import datetime

# the parser of strawberry's own DateTime (a dependency of strawberry's): the same formats pass
import dateutil.parser  # type: ignore[import-untyped]
import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

SHOWN = 64  # characters of an unreadable value repeated in the error


def parse_date_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        parsed: datetime = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError) as error:
        shown = value if len(value) <= SHOWN else value[:SHOWN] + "..."
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{shown}". {error}'
        ) from None
    return parsed


SCALAR_MAP: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="Date with time (isoformat)",
        serialize=datetime.isoformat,
        parse_value=parse_date_time,
    )
}
