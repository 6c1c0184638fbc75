"""The Service type."""

from __future__ import annotations

import strawberry

from salonbook.api.plain_fields import UNSET_ID
from salonbook.db.services import Service as ServiceRecord


@strawberry.type(name="Service")
class ServiceType:
    record: strawberry.Private[ServiceRecord]
    id: strawberry.ID = UNSET_ID
    name: str = ""
    duration_minutes: int = 0
    price_cents: int = 0
    currency: str = ""
    active: bool = False
    buffer_minutes: int = strawberry.field(
        default=0, description="Busy minutes after each booking of this service."
    )

    def __post_init__(self) -> None:
        record = self.record
        self.id = strawberry.ID(str(record.id))
        self.name = record.name
        self.duration_minutes = record.duration_minutes
        self.price_cents = record.price_cents
        self.currency = record.currency
        self.active = record.active
        self.buffer_minutes = record.buffer_minutes
