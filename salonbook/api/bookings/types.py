"""The Booking type, its cancellation and the actions its viewer may take."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar, cast

import strawberry

from salonbook.api.bookings.changes import BookingReschedule, BookingStatusChange
from salonbook.api.context import Info
from salonbook.api.notes.types import StylistNote
from salonbook.api.people.types import PersonType
from salonbook.api.plain_fields import UNSET_ID, UNSET_TIME
from salonbook.api.services.types import ServiceType
from salonbook.db.bookings import Booking as BookingRecord
from salonbook.db.history import StatusChangeRecord
from salonbook.db.loaders import Loaders
from salonbook.db.people import Person as PersonRecord
from salonbook.db.services import Service as ServiceRecord
from salonbook.domain import actions
from salonbook.domain.changes import can_read_notes, outside_hours_reason
from salonbook.domain.model import Actor
from salonbook.domain.refunds import RefundPolicy
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus

V = TypeVar("V")
R = TypeVar("R")


@strawberry.type
class Cancellation:
    reason: str | None
    actor_role: Role | None
    refund_policy: RefundPolicy
    refund_cents: int


_AVAILABLE_UNTIL = (
    "When this action stops being available by time for this viewer, from the transition"
    " table's time rule for them: UNDO_START the START's time plus the undo window (still"
    " available at that moment itself); CANCEL by a customer or stylist the booking's"
    " startTime (available only before it). Null when no time rule ends it (a rule with only a"
    " start, such as START or COMPLETE, or none)."
)


@strawberry.type(name="AvailableAction")
class AvailableActionType:
    action: BookingAction
    requires_reason: bool
    requires_confirmation: bool
    warning: str | None
    available_until: datetime | None = strawberry.field(description=_AVAILABLE_UNTIL)


@strawberry.type(name="Booking")
class BookingType:
    record: strawberry.Private[BookingRecord]
    viewer: strawberry.Private[Actor]
    shared: strawberry.Private[Loaders | None] = None
    """Loaders shared by every subscriber of an event; a query uses its request's own."""
    id: strawberry.ID = UNSET_ID
    status: BookingStatus = BookingStatus.PENDING
    start_time: datetime = UNSET_TIME
    end_time: datetime = UNSET_TIME
    version: int = 0

    def __post_init__(self) -> None:
        facts = self.record.facts
        self.id = strawberry.ID(str(facts.id))
        self.status = facts.status
        self.start_time = facts.start
        self.end_time = facts.end
        self.version = facts.version

    def _loaders(self, info: Info) -> Loaders:
        return self.shared or info.context.loaders

    # service, customer, stylist and statusHistory answer at once when a page prefetched what
    # they need (see loaders.prefetch), else with an awaitable, which graphql-core awaits.

    @strawberry.field
    def service(self, info: Info) -> ServiceType:
        return _then(self._loaders(info).service.load(self.record.service_id), _service)

    @strawberry.field
    def customer(self, info: Info) -> PersonType:
        return _then(self._loaders(info).person.load(self.record.facts.customer_id), self._person)

    @strawberry.field
    def stylist(self, info: Info) -> PersonType:
        return _then(self._loaders(info).person.load(self.record.facts.stylist_id), self._person)

    def _person(self, found: PersonRecord | None) -> PersonType:
        assert found is not None, "bookings reference people by foreign key"
        return PersonType(record=found, viewer=self.viewer, through=self.record.facts)

    @strawberry.field
    def price_cents(self) -> int:
        return self.record.facts.price_cents

    @strawberry.field
    def currency(self) -> str:
        return self.record.currency

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

    @strawberry.field(
        description="Admins only (null for others): why an admin booked this outside the"
        " stylist's working time (createBooking's overrideReason); null when booked inside."
    )
    def outside_hours_reason(self) -> str | None:
        return outside_hours_reason(self.viewer, self.record.outside_hours_reason)

    @strawberry.field(description="Status changes, oldest first.")
    def status_history(self, info: Info) -> list[BookingStatusChange]:
        def changes(found: list[StatusChangeRecord] | None) -> list[BookingStatusChange]:
            return [
                BookingStatusChange(record=change, viewer=self.viewer) for change in found or []
            ]

        return _then(self._loaders(info).status_history.load(self.record.id), changes)

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
                available_until=a.available_until,
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


def _then(pending: Awaitable[V], make: Callable[[V], R]) -> R:
    """`make` of what a loader loads: at once when it has it already, else an awaitable of it
    (typed as the value: graphql-core awaits what a resolver returns when it must)."""
    if isinstance(pending, asyncio.Future) and pending.done():
        return make(pending.result())

    async def later() -> R:
        return make(await pending)

    return cast(R, later())


def _service(found: ServiceRecord | None) -> ServiceType:
    assert found is not None, "bookings reference services by foreign key"
    return ServiceType(record=found)
