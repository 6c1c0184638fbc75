"""The schedule operations as the tests send them, and the database's view of what they wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.engine import driver_of, reading
from salonbook.db.people import Person
from tests.support.api import Api
from tests.support.factory import Factory

USER_AGENT = "schedule-tests/1.0"

SET_SALON = """
mutation($input: SetSalonScheduleInput!) { setSalonSchedule(input: $input) {
  __typename ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on VersionConflictError { currentVersion }
  ... on SetSalonScheduleSuccess { schedule { version timeZone slotMinutes
    openingHours { weekday intervals { start end } } } } } }
"""
SET_HOURS = """
mutation($input: SetWorkingHoursInput!) { setWorkingHours(input: $input) {
  __typename ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on VersionConflictError { currentVersion }
  ... on SetWorkingHoursSuccess { schedule { stylistId version allowOutsideOpeningHours
    workingHours { weekday intervals { start end } } } } } }
"""
ADD_TIME_OFF = """
mutation($input: AddTimeOffInput!) { addTimeOff(input: $input) {
  __typename ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on AddTimeOffSuccess { timeOff { id stylistId start end reason }
    affectedBookings { id } } } }
"""
REMOVE_TIME_OFF = """
mutation($input: RemoveTimeOffInput!) { removeTimeOff(input: $input) {
  __typename ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on RemoveTimeOffSuccess { timeOff { id } } } }
"""
ADD_CLOSURE = """
mutation($input: AddClosureInput!) { addClosure(input: $input) {
  __typename ... on Error { code message }
  ... on ValidationFailedError { field }
  ... on AddClosureSuccess { closure { id start end reason } affectedBookings { id } } } }
"""
REMOVE_CLOSURE = """
mutation($input: RemoveClosureInput!) { removeClosure(input: $input) {
  __typename ... on Error { code message }
  ... on RemoveClosureSuccess { closure { id } } } }
"""

# the salon's settings as migration 0008 leaves them: every other test expects these
DEFAULTS = {"timeZone": "UTC", "slotMinutes": 15, "openingHours": None, "reason": "reset"}


async def call(
    api: Api, factory: Factory, person: Person, query: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The mutation's result (the one field of `data`)."""
    body = await api.gql(
        query,
        {"input": payload},
        token=factory.token(person),
        headers={"User-Agent": USER_AGENT},
    )
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert isinstance(result, dict)
    return result


async def rows(engine: AsyncEngine, statement: str, *args: Any) -> list[dict[str, Any]]:
    async with reading(engine) as connection:
        found = await driver_of(connection).fetch(statement, *args)
    return [dict(row) for row in found]


async def written(engine: AsyncEngine) -> tuple[Any, ...]:
    """What any schedule mutation writes: if equal before and after, nothing was."""
    counted = await rows(
        engine,
        "SELECT (SELECT count(*) FROM schedule_changes) AS changes,"
        " (SELECT count(*) FROM booking_events WHERE kind = 'SCHEDULE_CHANGED') AS events,"
        " (SELECT count(*) FROM time_off) AS time_off,"
        " (SELECT count(*) FROM time_off WHERE removed_at IS NOT NULL) AS time_off_removed,"
        " (SELECT count(*) FROM closures) AS closures,"
        " (SELECT count(*) FROM closures WHERE removed_at IS NOT NULL) AS closures_removed,"
        " (SELECT count(*) FROM stylist_schedules) AS schedules,"
        " (SELECT coalesce(sum(version), 0) FROM stylist_schedules) AS versions,"
        " (SELECT version FROM salon_settings) AS salon",
    )
    return tuple(counted[0].values())
