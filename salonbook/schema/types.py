"""Object types: Person, Service, Booking and what hangs off a booking."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from salonbook.db.bookings import Booking as BookingRecord
from salonbook.db.history import StatusChangeRecord
from salonbook.db.people import Person as PersonRecord
from salonbook.db.services import Service as ServiceRecord
from salonbook.domain import actions
from salonbook.domain.changes import can_read_notes
from salonbook.domain.model import Actor
from salonbook.domain.refunds import RefundPolicy
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.schema.context import Info
from salonbook.schema.loaders import Loaders
from salonbook.schema.records import BookingReschedule, StylistNote


@strawberry.type(name="Person")
class PersonType:
    record: strawberry.Private[PersonRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def role(self) -> Role:
        return self.record.role

    @strawberry.field
    def display_name(self) -> str:
        return self.record.display_name

    @strawberry.field
    def email(self) -> str | None:
        return self.record.email

    @strawberry.field
    def phone(self) -> str | None:
        return self.record.phone


@strawberry.type(name="Service")
class ServiceType:
    record: strawberry.Private[ServiceRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def duration_minutes(self) -> int:
        return self.record.duration_minutes

    @strawberry.field
    def price_cents(self) -> int:
        return self.record.price_cents

    @strawberry.field
    def currency(self) -> str:
        return self.record.currency

    @strawberry.field
    def active(self) -> bool:
        return self.record.active


@strawberry.type
class BookingStatusChange:
    record: strawberry.Private[StatusChangeRecord]
    viewer: strawberry.Private[Actor]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def from_status(self) -> BookingStatus:
        return self.record.from_status

    @strawberry.field
    def to_status(self) -> BookingStatus:
        return self.record.to_status

    @strawberry.field
    def action(self) -> BookingAction:
        return self.record.action

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
        return self.record.ip_address if self.viewer.role.sees_everything else None

    @strawberry.field(description="Only for admin and system viewers.")
    def user_agent(self) -> str | None:
        return self.record.user_agent if self.viewer.role.sees_everything else None

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at


@strawberry.type
class Cancellation:
    reason: str | None
    actor_role: Role | None
    refund_policy: RefundPolicy
    refund_cents: int


@strawberry.type(name="AvailableAction")
class AvailableActionType:
    action: BookingAction
    requires_reason: bool
    requires_confirmation: bool
    warning: str | None


@strawberry.type(name="Booking")
class BookingType:
    record: strawberry.Private[BookingRecord]
    viewer: strawberry.Private[Actor]
    shared: strawberry.Private[Loaders | None] = None
    """Loaders shared by every subscriber of an event; a query uses its request's own."""

    def _loaders(self, info: Info) -> Loaders:
        return self.shared or info.context.loaders

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def status(self) -> BookingStatus:
        return self.record.facts.status

    @strawberry.field
    def start_time(self) -> datetime:
        return self.record.facts.start

    @strawberry.field
    def end_time(self) -> datetime:
        return self.record.facts.end

    @strawberry.field
    async def service(self, info: Info) -> ServiceType:
        found = await self._loaders(info).service.load(self.record.service_id)
        assert found is not None, "bookings reference services by foreign key"
        return ServiceType(record=found)

    @strawberry.field
    async def customer(self, info: Info) -> PersonType:
        return await _person(self._loaders(info), self.record.facts.customer_id)

    @strawberry.field
    async def stylist(self, info: Info) -> PersonType:
        return await _person(self._loaders(info), self.record.facts.stylist_id)

    @strawberry.field
    def price_cents(self) -> int:
        return self.record.facts.price_cents

    @strawberry.field
    def currency(self) -> str:
        return self.record.currency

    @strawberry.field
    def version(self) -> int:
        return self.record.facts.version

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.record.updated_at

    @strawberry.field
    def cancellation(self) -> Cancellation | None:
        record = self.record
        if record.refund_policy is None:
            return None
        return Cancellation(
            reason=record.cancel_reason,
            actor_role=record.cancel_actor_role,
            refund_policy=record.refund_policy,
            refund_cents=record.refund_cents or 0,
        )

    @strawberry.field(description="Status changes, oldest first.")
    async def status_history(self, info: Info) -> list[BookingStatusChange]:
        found = await self._loaders(info).status_history.load(self.record.id) or []
        return [BookingStatusChange(record=change, viewer=self.viewer) for change in found]

    @strawberry.field(description="Moves in time, oldest first.")
    async def reschedules(self, info: Info) -> list[BookingReschedule]:
        found = await self._loaders(info).reschedules.load(self.record.id) or []
        return [BookingReschedule(record=move, viewer=self.viewer) for move in found]

    @strawberry.field(
        description="Stylist notes, oldest first; null for viewers who may not read notes."
    )
    async def notes(self, info: Info) -> list[StylistNote] | None:
        if not can_read_notes(self.viewer, self.record.facts):
            return None
        found = await self._loaders(info).notes.load(self.record.id) or []
        return [StylistNote(record=note) for note in found]

    @strawberry.field(description="What this viewer may do now.")
    def available_actions(self, info: Info) -> list[AvailableActionType]:
        deps = info.context.deps
        return [
            AvailableActionType(
                action=a.action,
                requires_reason=a.requires_reason,
                requires_confirmation=a.requires_confirmation,
                warning=a.warning,
            )
            for a in actions.available_actions(
                actor=self.viewer,
                booking=self.record.facts,
                now=deps.clock.now(),
                windows=deps.windows,
            )
        ]

    @strawberry.field
    def suggested_action(self, info: Info) -> BookingAction | None:
        deps = info.context.deps
        return actions.suggested_action(
            actor=self.viewer,
            booking=self.record.facts,
            now=deps.clock.now(),
            windows=deps.windows,
        )


async def _person(loaders: Loaders, person_id: UUID) -> PersonType:
    found = await loaders.person.load(person_id)
    assert found is not None, "bookings reference people by foreign key"
    return PersonType(record=found)
