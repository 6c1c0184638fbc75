"""The DateTime scalar: strawberry's, except that every unreadable value is a coercion error.

Strawberry's own turns only ValueError into one; `9999-12-31T24:00:00` (midnight after the last
day) overflows instead, and as an inline literal that became an unexpected, masked error."""

from __future__ import annotations

from datetime import datetime

import dateutil.parser
import strawberry
from strawberry.exceptions import StrawberryInputCoercionError


def parse_date_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". Expected a string.'
        )
    try:
        return dateutil.parser.isoparse(value)
    except (ValueError, OverflowError) as error:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". {error}'
        ) from None


SCALAR_MAP = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="Date with time (isoformat)",
        serialize=datetime.isoformat,
        parse_value=parse_date_time,
    )
}
