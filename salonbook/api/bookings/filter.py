"""The bookings filter, and its parsing into the page query."""

from __future__ import annotations

from datetime import datetime

import strawberry

from salonbook.api.execution.input_conversion import built_directly
from salonbook.api.input_fields import optional, parse_id
from salonbook.db.pages import BookingQuery
from salonbook.domain.start_times import as_utc
from salonbook.domain.statuses import BookingStatus


@built_directly
@strawberry.input
class BookingFilter:
    statuses: list[BookingStatus] | None = None
    stylist_id: strawberry.ID | None = None
    customer_id: strawberry.ID | None = None
    starts_after: datetime | None = optional("Inclusive; without an offset, UTC.")
    starts_before: datetime | None = optional("Exclusive; without an offset, UTC.")


def page_query(where: BookingFilter | None) -> BookingQuery:
    if where is None:
        return BookingQuery()
    return BookingQuery(
        statuses=tuple(where.statuses) if where.statuses else None,
        stylist_id=parse_id(where.stylist_id, field="stylistId") if where.stylist_id else None,
        customer_id=parse_id(where.customer_id, field="customerId") if where.customer_id else None,
        starts_after=as_utc(where.starts_after) if where.starts_after else None,
        starts_before=as_utc(where.starts_before) if where.starts_before else None,
    )
