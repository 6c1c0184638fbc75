"""A small salon to explore: two stylists, three customers, an admin, services, and bookings
in every status around today, each brought there by the real status-change path."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.auth.tokens import mint_token
from salonbook.config import Settings
from salonbook.db import bookings, people, services
from salonbook.db.engine import unit_of_work
from salonbook.db.services import Service
from salonbook.domain.model import Actor, Windows
from salonbook.domain.roles import Role
from salonbook.domain.start_times import on_grid
from salonbook.domain.statuses import BookingAction
from salonbook.use_cases.seeding import take_action

NAMESPACE = uuid.UUID("5a10b00c-0000-4000-8000-000000000000")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


@dataclass(frozen=True)
class DemoPerson:
    key: str
    role: Role
    display_name: str
    email: str

    @property
    def id(self) -> uuid.UUID:
        return demo_id(self.key)


PEOPLE = (
    DemoPerson("admin", Role.ADMIN, "Avery Admin", "avery@salon.example"),
    DemoPerson("stylist-sam", Role.STYLIST, "Sam Scissors", "sam@salon.example"),
    DemoPerson("stylist-rio", Role.STYLIST, "Rio Razor", "rio@salon.example"),
    DemoPerson("customer-cleo", Role.CUSTOMER, "Cleo Curl", "cleo@example.com"),
    DemoPerson("customer-dan", Role.CUSTOMER, "Dan Dye", "dan@example.com"),
    DemoPerson("customer-eve", Role.CUSTOMER, "Eve Edge", "eve@example.com"),
    DemoPerson("system", Role.SYSTEM, "Payments", "payments@salon.example"),
)

SERVICES = (
    ("Haircut", 45, 4500),
    ("Colour", 120, 12000),
    ("Blow-dry", 30, 2500),
    ("Beard trim", 20, 1500),
)

A = BookingAction
# (stylist, customer, service index, start relative to now, actions taken to get there)
BOOKINGS: tuple[tuple[str, str, int, timedelta, tuple[BookingAction, ...]], ...] = (
    ("stylist-sam", "customer-cleo", 0, timedelta(hours=-4), (A.CONFIRM, A.START, A.COMPLETE)),
    ("stylist-sam", "customer-dan", 2, timedelta(hours=-2), (A.CONFIRM, A.MARK_NO_SHOW)),
    ("stylist-sam", "customer-eve", 2, timedelta(minutes=-25), (A.CONFIRM, A.START)),
    ("stylist-sam", "customer-cleo", 0, timedelta(minutes=10), (A.CONFIRM,)),
    ("stylist-sam", "customer-dan", 0, timedelta(hours=3), (A.CONFIRM,)),
    ("stylist-sam", "customer-eve", 2, timedelta(days=1), ()),
    ("stylist-rio", "customer-dan", 3, timedelta(hours=-2), (A.CONFIRM, A.COMPLETE)),
    ("stylist-rio", "customer-cleo", 1, timedelta(hours=2), (A.CANCEL,)),
    ("stylist-rio", "customer-eve", 0, timedelta(days=2), (A.CONFIRM, A.CANCEL)),
    ("stylist-rio", "customer-cleo", 2, timedelta(days=3), ()),
)


async def load_demo(engine: AsyncEngine, *, now: datetime, windows: Windows) -> bool:
    """Load the demo salon; False (and nothing written) if it is already there. Its bookings
    start on the start grid, like every booking made through the API."""
    async with unit_of_work(engine) as connection:
        if await people.load(connection, person_id=demo_id("admin")) is not None:
            return False
        for person in PEOPLE:
            await people.upsert(
                connection,
                person_id=person.id,
                role=person.role,
                display_name=person.display_name,
                email=person.email,
                phone=None,
                now=now,
            )
        catalog = [
            await services.upsert(
                connection,
                service=Service(demo_id(name), name, minutes, cents, "EUR", True),
                now=now,
            )
            for name, minutes, cents in SERVICES
        ]
        for stylist, customer, service_index, offset, path in BOOKINGS:
            service = catalog[service_index]
            start = on_grid(now + offset, windows=windows)
            booking = await bookings.create(
                connection,
                booking_id=uuid.uuid4(),
                customer_id=demo_id(customer),
                stylist_id=demo_id(stylist),
                service_id=service.id,
                start=start,
                end=start + timedelta(minutes=service.duration_minutes),
                price_cents=service.price_cents,
                currency=service.currency,
                # unpaid bookings are fresh, or the payment-timeout sweeper cancels them
                now=min(now, start) - (timedelta(days=1) if path else timedelta(minutes=2)),
            )
            facts = booking.facts
            for step, action in enumerate(path):
                at = min(now, max(start, now - timedelta(hours=1))) - timedelta(
                    minutes=len(path) - step
                )
                role = Role.SYSTEM if action is A.CONFIRM else Role.ADMIN
                actor = Actor(demo_id(role.value), role)
                facts = await take_action(
                    connection,
                    booking=facts,
                    action=action,
                    actor=actor,
                    at=at,
                    reason="Demo: the customer asked to cancel",
                )
    return True


def demo_token(settings: Settings, person: DemoPerson) -> str | None:
    """A week's development token for a demo person; None without an HS256 secret."""
    secret = settings.effective_jwt_secret
    if secret is None:
        return None
    return mint_token(
        secret=secret,
        sub=person.id,
        role=person.role,
        role_claim=settings.jwt_role_claim,
        name=person.display_name,
        email=person.email,
        ttl=timedelta(days=7),
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )


def demo_banner(settings: Settings) -> str:
    """Who is in the demo salon, with a development token each, ready for GraphiQL."""
    lines = ["", "salonbook demo salon: open /graphql and paste a header such as", ""]
    for person in PEOPLE:
        token = demo_token(settings, person)
        if token is None:
            return "salonbook demo salon loaded (no HS256 secret: mint tokens with your issuer)"
        lines.append(f"# {person.role.value:<8} {person.display_name} ({person.id})")
        lines.append(f'{{"Authorization": "Bearer {token}"}}')
        lines.append("")
    lines.append("or sign in at /dashboard as one of them")
    lines.append("")
    return "\n".join(lines)
