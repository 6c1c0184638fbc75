"""Taking status actions and reading bookings over HTTP, for the transition tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from salonbook.db.people import Person
from salonbook.domain.statuses import BookingStatus
from tests.e2e.transitions.spec_transitions import Actor, Moment, recorded_reason, row_for
from tests.support.api import CLIENT_IP
from tests.support.factory import ApiFactory, Factory, Party

USER_AGENT = "salonbook-transition-tests/1.0 (matrix)"
UNSET = "<unset>"  # leave `reason` out of the input altogether

CHANGE_FIELDS = """
  id fromStatus toStatus action actorId actorRole reason ipAddress userAgent createdAt
"""

TRANSITION = f"""
mutation($input: TransitionBookingInput!) {{
  transitionBooking(input: $input) {{
    __typename
    ... on TransitionBookingSuccess {{
      booking {{ id status version }}
      statusChange {{ {CHANGE_FIELDS} }}
    }}
    ... on Error {{ code message }}
  }}
}}
"""

BOOKING = f"""
query($id: ID!) {{
  booking(id: $id) {{
    status version updatedAt
    cancellation {{ reason actorRole refundPolicy refundCents }}
    statusHistory {{ {CHANGE_FIELDS} }}
  }}
}}
"""


def person_of(party: Party, actor: Actor) -> Person:
    people = {
        ("CUSTOMER", True): party.customer,
        ("CUSTOMER", False): party.other_customer,
        ("STYLIST", True): party.stylist,
        ("STYLIST", False): party.other_stylist,
        ("ADMIN", True): party.admin,
        ("SYSTEM", True): party.system,
    }
    return people[(actor.role, actor.own)]


async def arrange_booking(
    factory: Factory, party: Party, *, status: str, moment: Moment, price_cents: int = 4500
) -> UUID:
    """The party's booking in `status` (a 60-minute service), the clock standing at `moment`."""
    booking = await factory.booking(
        party,
        status=BookingStatus(status),
        starts_in=-moment.after_start,
        changed_ago=moment.since_change,
        service=await factory.service(minutes=60, price_cents=price_cents),
    )
    return booking.id


async def arrange(factory: Factory, *, status: str, moment: Moment) -> tuple[Party, UUID]:
    party = await factory.party()
    return party, await arrange_booking(factory, party, status=status, moment=moment)


async def transition(
    factory: ApiFactory,
    party: Party,
    booking_id: UUID,
    *,
    action: str,
    actor: Actor,
    reason: str | None = UNSET,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """transitionBooking as `actor`; the transitionBooking result."""
    given: dict[str, Any] = {"bookingId": str(booking_id), "action": action}
    if reason != UNSET:
        given["reason"] = reason
    body = await factory.api.gql(
        TRANSITION,
        {"input": given},
        token=factory.token(person_of(party, actor)),
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["transitionBooking"]
    return result


async def booking_as(
    factory: ApiFactory, party: Party, booking_id: UUID, *, actor: Actor
) -> dict[str, Any]:
    """The booking with its cancellation and status history, as `actor` reads it."""
    body = await factory.api.gql(
        BOOKING, {"id": str(booking_id)}, token=factory.token(person_of(party, actor))
    )
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["booking"]
    return found


async def admin_view(factory: ApiFactory, party: Party, booking_id: UUID) -> dict[str, Any]:
    return await booking_as(factory, party, booking_id, actor=Actor("ADMIN"))


async def attempt(
    factory: ApiFactory,
    party: Party,
    booking_id: UUID,
    *,
    action: str,
    actor: Actor,
    reason: str | None,
    before: dict[str, Any] | None = None,
) -> tuple[str | None, dict[str, Any]]:
    """Take the action and check the booking after it, as an admin reads it: unchanged when
    refused; when changed, the table's target status, version + 1 and exactly one new audit row.
    Returns the error code (None for a change) and the booking after."""
    if before is None:
        before = await admin_view(factory, party, booking_id)
    result = await transition(factory, party, booking_id, action=action, actor=actor, reason=reason)
    after = await admin_view(factory, party, booking_id)
    if result["__typename"] != "TransitionBookingSuccess":
        code: str = result["code"]
        assert result["__typename"] == _error_type(code), result
        assert after == before, f"a refused {action} changed the booking"
        return code, after
    row = row_for(before["status"], action)
    assert row is not None, f"{action} changed a {before['status']} booking: no such row"
    sent = None if reason == UNSET else reason
    expected = {
        "fromStatus": row.source,
        "toStatus": row.target,
        "action": action,
        "actorId": str(person_of(party, actor).id),
        "actorRole": actor.role,
        "reason": recorded_reason(status=row.source, action=action, actor=actor, reason=sent),
    }
    assert (after["status"], after["version"]) == (row.target, before["version"] + 1)
    assert result["booking"] == {
        "id": str(booking_id),
        "status": after["status"],
        "version": after["version"],
    }
    assert after["statusHistory"][:-1] == before["statusHistory"]
    new = after["statusHistory"][-1]
    # the mutation answers its actor, who reads IP and user agent only as admin or system
    hidden = {} if actor.role in ("ADMIN", "SYSTEM") else {"ipAddress": None, "userAgent": None}
    assert result["statusChange"] == {**new, **hidden}
    assert datetime.fromisoformat(new["createdAt"]) == factory.clock.now()
    assert {k: v for k, v in new.items() if k not in ("id", "createdAt")} == {
        "ipAddress": CLIENT_IP,
        "userAgent": USER_AGENT,
        **expected,
    }
    return None, after


async def act_and_verify(
    factory: ApiFactory,
    *,
    status: str,
    action: str,
    actor: Actor,
    moment: Moment,
    reason: str | None,
    outcome: str | None,
) -> dict[str, Any]:
    """A fresh booking in `status` at `moment`; the action must end in `outcome` (an error
    code, or None for a change). Returns the booking after, as an admin reads it."""
    party, booking_id = await arrange(factory, status=status, moment=moment)
    code, after = await attempt(
        factory, party, booking_id, action=action, actor=actor, reason=reason
    )
    assert code == outcome, f"{actor.label} {action} on {status} at {moment.label}"
    return after


def _error_type(code: str) -> str:
    return "".join(part.title() for part in code.split("_")) + "Error"
