"""Arranging people, services and bookings straight in the database, through the same
repositories and status-change path the service uses (no time rules: that is arranging)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.config import Settings
from salonbook.db import bookings, people, services
from salonbook.db.bookings import Booking
from salonbook.db.engine import unit_of_work
from salonbook.db.people import Person
from salonbook.db.services import Service
from salonbook.domain.clock import SettableClock
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.use_cases.seeding import take_action
from tests.support.api import Api, token_for

S, A = BookingStatus, BookingAction
PATHS: dict[BookingStatus, tuple[BookingAction, ...]] = {
    S.PENDING: (),
    S.CONFIRMED: (A.CONFIRM,),
    S.IN_PROGRESS: (A.CONFIRM, A.START),
    S.COMPLETED: (A.CONFIRM, A.START, A.COMPLETE),
    S.CANCELLED: (A.CONFIRM, A.CANCEL),
    S.NO_SHOW: (A.CONFIRM, A.MARK_NO_SHOW),
}


@dataclass(frozen=True)
class Party:
    """Everyone around one booking, and their strangers."""

    customer: Person
    stylist: Person
    other_customer: Person
    other_stylist: Person
    admin: Person
    system: Person


@dataclass
class Factory:
    engine: AsyncEngine
    clock: SettableClock
    settings: Settings

    async def person(self, role: Role, name: str | None = None) -> Person:
        async with unit_of_work(self.engine) as connection:
            return await people.upsert(
                connection,
                person_id=uuid.uuid4(),
                role=role,
                display_name=name or f"{role.value.title()} {uuid.uuid4().hex[:6]}",
                email=None,
                phone=None,
                now=self.clock.now(),
            )

    async def party(self) -> Party:
        return Party(
            customer=await self.person(Role.CUSTOMER),
            stylist=await self.person(Role.STYLIST),
            other_customer=await self.person(Role.CUSTOMER),
            other_stylist=await self.person(Role.STYLIST),
            admin=await self.person(Role.ADMIN),
            system=await self.person(Role.SYSTEM),
        )

    def token(self, person: Person) -> str:
        return token_for(self.settings, person.id, person.role)

    async def service(
        self, *, minutes: int = 60, price_cents: int = 4500, active: bool = True
    ) -> Service:
        async with unit_of_work(self.engine) as connection:
            return await services.upsert(
                connection,
                service=Service(
                    id=uuid.uuid4(),
                    name=f"Cut {uuid.uuid4().hex[:6]}",
                    duration_minutes=minutes,
                    price_cents=price_cents,
                    currency="EUR",
                    active=active,
                ),
                now=self.clock.now(),
            )

    async def booking(
        self,
        party: Party,
        *,
        status: BookingStatus = BookingStatus.PENDING,
        starts_in: timedelta = timedelta(days=2),
        changed_ago: timedelta = timedelta(0),
        service: Service | None = None,
    ) -> Booking:
        """A booking starting `starts_in` from now, brought to `status` by its usual path;
        the last change happened `changed_ago`."""
        service = service or await self.service()
        now = self.clock.now()
        start = now + starts_in
        async with unit_of_work(self.engine) as connection:
            booking = await bookings.create(
                connection,
                booking_id=uuid.uuid4(),
                customer_id=party.customer.id,
                stylist_id=party.stylist.id,
                service_id=service.id,
                start=start,
                end=start + timedelta(minutes=service.duration_minutes),
                price_cents=service.price_cents,
                currency=service.currency,
                now=now - changed_ago - timedelta(hours=1),
            )
            facts = booking.facts
            for action in PATHS[status]:
                actor = (
                    Actor(party.system.id, Role.SYSTEM)
                    if action is A.CONFIRM
                    else Actor(party.admin.id, Role.ADMIN)
                )
                facts = await take_action(
                    connection, booking=facts, action=action, actor=actor, at=now - changed_ago
                )
            found = await bookings.load(connection, booking_id=booking.id)
        assert found is not None
        return found


@dataclass
class ApiFactory(Factory):
    """The end-to-end tests' factory: it also holds the API, for helpers that arrange through
    the database and then call the service."""

    api: Api
