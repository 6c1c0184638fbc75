"""What happened to a booking beside its current state: its status changes and its moves in time.
The IP address and user agent of each are shown to admin and system viewers only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from salonbook.api.plain_fields import UNSET_ID, UNSET_TIME
from salonbook.db.history import StatusChangeRecord
from salonbook.db.reschedules import Reschedule
from salonbook.domain.model import Actor, sees_client_details
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus


@strawberry.type
class BookingStatusChange:
    record: strawberry.Private[StatusChangeRecord]
    viewer: strawberry.Private[Actor]
    id: strawberry.ID = UNSET_ID
    from_status: BookingStatus = BookingStatus.PENDING
    to_status: BookingStatus = BookingStatus.PENDING
    action: BookingAction = BookingAction.CONFIRM
    actor_id: strawberry.ID = UNSET_ID
    actor_role: Role = Role.SYSTEM
    reason: str | None = None
    ip_address: str | None = strawberry.field(
        default=None, description="Only for admin and system viewers."
    )
    user_agent: str | None = strawberry.field(
        default=None, description="Only for admin and system viewers."
    )
    created_at: datetime = UNSET_TIME

    def __post_init__(self) -> None:
        record = self.record
        self.id = strawberry.ID(str(record.id))
        self.from_status = record.from_status
        self.to_status = record.to_status
        self.action = record.action
        self.actor_id = strawberry.ID(str(record.actor_id))
        self.actor_role = record.actor_role
        self.reason = record.reason
        if sees_client_details(self.viewer):
            self.ip_address = record.ip_address
            self.user_agent = record.user_agent
        self.created_at = record.created_at


@strawberry.type
class BookingReschedule:
    record: strawberry.Private[Reschedule]
    viewer: strawberry.Private[Actor]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def old_start_time(self) -> datetime:
        return self.record.old_start

    @strawberry.field
    def old_end_time(self) -> datetime:
        return self.record.old_end

    @strawberry.field
    def new_start_time(self) -> datetime:
        return self.record.new_start

    @strawberry.field
    def new_end_time(self) -> datetime:
        return self.record.new_end

    @strawberry.field
    def actor_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.actor_id))

    @strawberry.field
    def actor_role(self) -> Role:
        return self.record.actor_role

    @strawberry.field
    def reason(self) -> str | None:
        return self.record.reason

    @strawberry.field(description="Only for admin and system viewers.")
    def ip_address(self) -> str | None:
        return self.record.ip_address if sees_client_details(self.viewer) else None

    @strawberry.field(description="Only for admin and system viewers.")
    def user_agent(self) -> str | None:
        return self.record.user_agent if sees_client_details(self.viewer) else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at
