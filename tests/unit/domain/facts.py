"""A booking's facts as the domain sees them, around one fixed moment: no database, no clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from salonbook.domain.model import BookingFacts
from salonbook.domain.statuses import BookingStatus

NOW = datetime(2031, 1, 1, 12, tzinfo=UTC)
CUSTOMER, STYLIST, STRANGER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def booking(
    status: BookingStatus, *, starts_in: timedelta, changed_ago: timedelta = timedelta(0)
) -> BookingFacts:
    """CUSTOMER's booking with STYLIST, an hour long, starting `starts_in` from NOW."""
    start = NOW + starts_in
    return BookingFacts(
        id=uuid.uuid4(),
        status=status,
        start=start,
        end=start + timedelta(hours=1),
        customer_id=CUSTOMER,
        stylist_id=STYLIST,
        price_cents=10_000,
        version=2,
        status_changed_at=NOW - changed_ago,
    )
