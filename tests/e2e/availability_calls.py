"""Calling `availability`, createBooking and rescheduleBooking with the new fields, for the
availability tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salonbook.db.people import Person
from tests.support.api import Api
from tests.support.factory import Factory

AVAILABILITY = """
query($service: ID!, $from: DateTime!, $to: DateTime!, $stylist: ID) {
  availability(serviceId: $service, from: $from, to: $to, stylistId: $stylist) {
    stylistId stylist { id displayName } slots { start localDate localStart } } }
"""
RESULT = """__typename ... on Error { code message } ... on ValidationFailedError { field }
  ... on OutsideWorkingHoursError { reason }"""
CREATE = f"""
mutation($input: CreateBookingInput!) {{ createBooking(input: $input) {{ {RESULT}
  ... on CreateBookingSuccess {{ booking {{ id startTime endTime }} }} }} }}
"""
RESCHEDULE = f"""
mutation($input: RescheduleBookingInput!) {{ rescheduleBooking(input: $input) {{ {RESULT}
  ... on RescheduleBookingSuccess {{ booking {{ startTime }} reschedule {{ reason }} }} }} }}
"""


async def availability(
    api: Api,
    factory: Factory,
    viewer: Person,
    *,
    service: str,
    start: datetime | str,
    end: datetime | str,
    stylist: str | None = None,
) -> dict[str, Any]:
    """The whole response body (data or errors)."""
    return await api.gql(
        AVAILABILITY,
        {
            "service": service,
            "from": start if isinstance(start, str) else start.isoformat(),
            "to": end if isinstance(end, str) else end.isoformat(),
            "stylist": stylist,
        },
        token=factory.token(viewer),
    )


async def starts_of(
    api: Api, factory: Factory, viewer: Person, *, service: str, stylist: str, **window: Any
) -> list[str]:
    """The stylist's free starts (UTC ISO texts)."""
    body = await availability(api, factory, viewer, service=service, stylist=stylist, **window)
    assert "errors" not in body, body
    [entry] = body["data"]["availability"]
    return [slot["start"] for slot in entry["slots"]]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def create(api: Api, factory: Factory, who: Person, **fields: Any) -> dict[str, Any]:
    body = await api.gql(CREATE, {"input": fields}, token=factory.token(who))
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["createBooking"]
    return result


async def reschedule(api: Api, factory: Factory, who: Person, **fields: Any) -> dict[str, Any]:
    body = await api.gql(RESCHEDULE, {"input": fields}, token=factory.token(who))
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["rescheduleBooking"]
    return result
