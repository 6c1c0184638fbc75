"""rescheduleBooking as its tests call it: the mutation, the booking's state as an admin reads
it, and a booking of a 45-minute service to move."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salonbook.db.bookings import Booking
from salonbook.domain.statuses import BookingStatus
from tests.support.api import Api
from tests.support.factory import Factory, Party

MOVE = """
mutation($input: RescheduleBookingInput!) { rescheduleBooking(input: $input) { __typename
  ... on RescheduleBookingSuccess {
    booking { id status startTime endTime version }
    reschedule { id oldStartTime oldEndTime newStartTime newEndTime actorRole reason ipAddress
      userAgent } }
  ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on VersionConflictError { currentVersion } } }
"""
STATE = """
query($id: ID!) { booking(id: $id) { status startTime endTime version
  statusHistory { id toStatus } reschedules { id oldStartTime newStartTime newEndTime } } }
"""
USER_AGENT = "salonbook-reschedule-test/1.0"


async def move(
    api: Api, factory: Factory, who: Any, booking: Booking, start: str, **given: Any
) -> dict[str, Any]:
    variables = {"input": {"bookingId": str(booking.id), "startTime": start, **given}}
    body = await api.gql(
        MOVE, variables, token=factory.token(who), headers={"User-Agent": USER_AGENT}
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["rescheduleBooking"]
    return result


async def state(api: Api, factory: Factory, party: Party, booking: Booking) -> dict[str, Any]:
    body = await api.gql(STATE, {"id": str(booking.id)}, token=factory.token(party.admin))
    found: dict[str, Any] = body["data"]["booking"]
    return found


async def arrange(
    factory: Factory,
    status: BookingStatus = BookingStatus.CONFIRMED,
    starts_in: timedelta = timedelta(days=2),
) -> tuple[Party, Booking]:
    party = await factory.party()
    service = await factory.service(minutes=45)
    return party, await factory.booking(party, status=status, starts_in=starts_in, service=service)
