"""The stored role is the truth: a token proves who calls, and its role claim only seeds the
record of a person seen for the first time. A token claiming more than the person's stored role
acts with the stored one, over HTTP and websockets alike, and `me.role` says which; an admin's
change of role applies from the next request."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.auth.principal import Authenticator
from salonbook.auth.tokens import TokenVerifier, mint_token
from salonbook.db.bookings import Booking
from salonbook.domain.clock import SettableClock
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party
from tests.support.live import ws_client
from tests.support.streams import cancel_committed, caught_up, tailer, until_feeds

ME = "{ me { id role } }"
BOOKING = "query($id: ID!) { booking(id: $id) { id } }"
PAGE = "query($f: BookingFilter) { bookings(filter: $f) { edges { node { id } } } }"
RESULT = "__typename ... on Error { code }"
UPSERT_SERVICE = f"""mutation {{ upsertService(input: {{name: "Free cut", durationMinutes: 30,
  priceCents: 0, currency: "EUR"}}) {{ {RESULT} }} }}"""
UPSERT_PERSON = f"""mutation($input: UpsertPersonInput!) {{ upsertPerson(input: $input) {{
  {RESULT} }} }}"""
TRANSITION = f"""mutation($input: TransitionBookingInput!) {{ transitionBooking(input: $input) {{
  {RESULT} }} }}"""
FORBIDDEN = {"__typename": "ForbiddenError", "code": "FORBIDDEN"}
EVENTS = "subscription($f: BookingEventFilter) { bookingEvents(filter: $f) { bookingId } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def two_customers(factory: Factory) -> tuple[Party, Booking, Booking]:
    """A party whose stylist has a booking of its customer and one of the other customer."""
    party = await factory.party()
    own = await factory.booking(party, status=BookingStatus.CONFIRMED)
    swapped = replace(party, customer=party.other_customer, other_customer=party.customer)
    other = await factory.booking(
        swapped, status=BookingStatus.CONFIRMED, starts_in=timedelta(days=3)
    )
    return party, own, other


async def test_a_customer_with_a_token_claiming_admin_acts_as_a_customer(
    api: Api, factory: Factory
) -> None:
    party, own, other = await two_customers(factory)
    customer = party.customer
    forged = api.token(customer.id, Role.ADMIN)

    me = await api.gql(ME, token=forged)
    page = await api.gql(PAGE, {"f": {"stylistId": str(party.stylist.id)}}, token=forged)
    theirs = await api.gql(BOOKING, {"id": str(other.id)}, token=forged)
    service = await api.gql(UPSERT_SERVICE, token=forged)
    promote = {"id": str(customer.id), "role": "ADMIN", "displayName": customer.display_name}
    promoted = await api.gql(UPSERT_PERSON, {"input": promote}, token=forged)
    cancel = {"bookingId": str(other.id), "action": "CANCEL", "reason": "mine now"}
    cancelled = await api.gql(TRANSITION, {"input": cancel}, token=forged)

    assert me == {"data": {"me": {"id": str(customer.id), "role": "CUSTOMER"}}}
    assert page == {"data": {"bookings": {"edges": [{"node": {"id": str(own.id)}}]}}}
    assert (theirs["data"], codes(theirs)) == ({"booking": None}, ["NOT_FOUND"])
    assert service["data"]["upsertService"] == FORBIDDEN
    assert promoted["data"]["upsertPerson"] == FORBIDDEN
    assert cancelled["data"]["transitionBooking"] == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
    }
    assert await api.gql(ME, token=forged) == me  # still a customer
    assert await api.gql(BOOKING, {"id": str(other.id)}, token=factory.token(party.admin)) == {
        "data": {"booking": {"id": str(other.id)}}
    }


async def test_a_stylist_with_a_token_claiming_system_cannot_confirm(
    api: Api, factory: Factory
) -> None:
    party = await factory.party()
    pending = await factory.booking(party)
    forged = api.token(party.stylist.id, Role.SYSTEM)

    body = await api.gql(
        TRANSITION, {"input": {"bookingId": str(pending.id), "action": "CONFIRM"}}, token=forged
    )

    assert body["data"]["transitionBooking"] == {
        "__typename": "ForbiddenError",
        "code": "FORBIDDEN",
    }


async def test_a_role_an_admin_changes_applies_from_the_next_request(
    api: Api, factory: Factory
) -> None:
    party, _, other = await two_customers(factory)
    customer, admin = party.customer, factory.token(party.admin)
    token = factory.token(customer)  # claims customer throughout
    person = {"id": str(customer.id), "displayName": customer.display_name}

    async def make(role: str) -> None:
        done = await api.gql(UPSERT_PERSON, {"input": {**person, "role": role}}, token=admin)
        assert done["data"]["upsertPerson"] == {"__typename": "UpsertPersonSuccess"}

    await make("ADMIN")
    as_admin = await api.gql(BOOKING, {"id": str(other.id)}, token=token)
    me_admin = await api.gql(ME, token=token)
    await make("CUSTOMER")
    as_customer = await api.gql(BOOKING, {"id": str(other.id)}, token=token)
    me_customer = await api.gql(ME, token=token)

    assert as_admin == {"data": {"booking": {"id": str(other.id)}}}
    assert me_admin["data"]["me"]["role"] == "ADMIN"
    assert codes(as_customer) == ["NOT_FOUND"]
    assert me_customer["data"]["me"]["role"] == "CUSTOMER"


async def test_over_a_websocket_the_stored_role_is_the_truth_too(
    app: Starlette, api: Api, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party, own, other = await two_customers(factory)
    forged = api.token(party.customer.id, Role.ADMIN)
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=forged) as client:
        everything = await client.subscribe(EVENTS, {"f": {}})
        theirs = await client.subscribe(EVENTS, {"f": {"bookingId": str(other.id)}})
        assert await client.next(theirs) == {
            "id": theirs,
            "type": "next",
            "payload": {
                "data": None,
                "errors": [{"message": "booking not found", "extensions": {"code": "NOT_FOUND"}}],
            },
        }
        await until_feeds(app, feeds + 1)
        await cancel_committed(engine, party, other, factory)
        await cancel_committed(engine, party, own, factory)
        assert await client.events(everything, 1) == [{"bookingId": str(own.id)}]
        await client.silence(everything)
        me = await client.subscribe(ME)
        answer = await client.next(me)
    assert answer["payload"] == {"data": {"me": {"id": str(party.customer.id), "role": "CUSTOMER"}}}


async def test_a_role_claim_at_a_nested_path_seeds_the_record_once(
    engine: AsyncEngine, clock: SettableClock
) -> None:
    """As with Supabase tokens (SALONBOOK_JWT_ROLE_CLAIM=app_metadata.role): the claim makes a
    newcomer a stylist; a later token claiming admin for them changes nothing."""
    secret, claim = "a-test-secret-of-at-least-32-bytes!", "app_metadata.role"
    verifier = TokenVerifier(hs256_secret=secret, jwks_file=None, role_claim=claim)
    authenticator = Authenticator(verifier=verifier, engine=engine, clock=clock, trusted_proxies=())
    sub = uuid.uuid4()

    def token(role: Role) -> str:
        return mint_token(secret=secret, sub=sub, role=role, role_claim=claim, name="Newcomer")

    first = await authenticator.actor(verifier.verify(token(Role.STYLIST)))
    later = await authenticator.actor(verifier.verify(token(Role.ADMIN)))

    assert first is not None and later is not None
    assert (first.person_id, first.role) == (sub, Role.STYLIST)
    assert (later.person_id, later.role) == (sub, Role.STYLIST)
