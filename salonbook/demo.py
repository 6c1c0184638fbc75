"""A small salon to explore: two stylists, three customers, an admin, services, opening hours,
working hours and time off (salonbook/demo_schedule.py), and bookings in every status around
today, each inside its stylist's working time and brought to its status by the real
status-change path."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from salonbook import demo_schedule
from salonbook.auth.tokens import mint_token
from salonbook.config import Settings
from salonbook.db import bookings, people, schedule_audit, schedule_edits, services
from salonbook.db.engine import unit_of_work
from salonbook.db.schedule_audit import Audit
from salonbook.db.services import Service
from salonbook.domain.model import Actor, Windows
from salonbook.domain.roles import Role
from salonbook.domain.schedules import Absence, SalonSettings, ScheduleChangeKind, StylistHours
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
    ("Haircut", 45, 4500, 0),
    ("Colour", 120, 12000, 15),  # the colour sets while the chair is cleaned
    ("Blow-dry", 30, 2500, 0),
    ("Beard trim", 20, 1500, 0),
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
                service=Service(demo_id(name), name, minutes, cents, "EUR", True, buffer),
                now=now,
            )
            for name, minutes, cents, buffer in SERVICES
        ]
        await _working_time(connection, now=now)
        starts = _starts(catalog, now=now, windows=windows)
        for index, (stylist, customer, service_index, _, path) in enumerate(BOOKINGS):
            service = catalog[service_index]
            start = starts[index]
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


async def _working_time(connection: AsyncConnection, *, now: datetime) -> None:
    """The salon's settings, each stylist's hours and time off, audited as an admin's."""
    audit = Audit(
        actor=Actor(demo_id("admin"), Role.ADMIN),
        reason="Demo: the salon's usual week",
        ip_address=None,
        user_agent=None,
        now=now,
    )
    before = schedule_audit.settings_json(SalonSettings())
    await schedule_edits.save_settings(connection, settings=demo_schedule.SETTINGS, now=now)
    await schedule_audit.record_change(
        connection,
        kind=ScheduleChangeKind.SALON_SETTINGS_SET,
        stylist_id=None,
        audit=audit,
        before=before,
        after=schedule_audit.settings_json(demo_schedule.SETTINGS),
    )
    for key, week in demo_schedule.HOURS.items():
        hours = StylistHours(working_hours=week)
        await schedule_edits.save_stylist_hours(
            connection, stylist_id=demo_id(key), hours=hours, now=now
        )
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.WORKING_HOURS_SET,
            stylist_id=demo_id(key),
            audit=audit,
            before=schedule_audit.hours_json(StylistHours()),
            after=schedule_audit.hours_json(hours),
        )
        start, end = demo_schedule.time_off_span(key, now)
        time_off = await schedule_edits.add_time_off(
            connection,
            id=uuid.uuid4(),
            stylist_id=demo_id(key),
            absence=Absence(start=start, end=end),
            reason="Demo: a long weekend",
            actor=audit.actor,
            now=now,
        )
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.TIME_OFF_ADDED,
            stylist_id=demo_id(key),
            audit=audit,
            before=None,
            after=schedule_audit.absence_json(time_off.id, time_off.absence),
        )


def _starts(catalog: list[Service], *, now: datetime, windows: Windows) -> list[datetime]:
    """Each demo booking's start (BOOKINGS' order): its offset from now, moved into its
    stylist's working time (salonbook/demo_schedule.py), the past ones packed backwards from
    now, the others forwards, on the start grid, no two busy spans of a stylist overlapping."""
    grid = windows.start_grid_minutes or 1
    starts: dict[int, datetime] = {}
    for key in demo_schedule.HOURS:
        spans = demo_schedule.working_spans(key, now)
        mine = [(i, b) for i, b in enumerate(BOOKINGS) if b[0] == key]
        busy_until = now
        limit: datetime | None = None
        for index, (_, _, service_index, offset, _) in sorted(
            (entry for entry in mine if entry[1][3] < timedelta(0)), key=lambda e: -e[1][3]
        ):
            service = catalog[service_index]
            length = timedelta(minutes=service.duration_minutes)
            buffer = timedelta(minutes=service.buffer_minutes)
            wanted = now + offset + length
            limit = wanted if limit is None else min(wanted, limit)
            start = demo_schedule.place_before(
                spans, latest_end=limit - buffer, length=length, grid=grid
            )
            starts[index] = start
            busy_until = max(busy_until, start + length + buffer)
            limit = start
        for index, (_, _, service_index, offset, _) in sorted(
            (entry for entry in mine if entry[1][3] >= timedelta(0)), key=lambda e: e[1][3]
        ):
            service = catalog[service_index]
            length = timedelta(minutes=service.duration_minutes)
            start = demo_schedule.place_after(
                spans, earliest=max(busy_until, now + offset), length=length, grid=grid
            )
            starts[index] = start
            busy_until = start + length + timedelta(minutes=service.buffer_minutes)
    return [starts[index] for index in range(len(BOOKINGS))]


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
