"""setSalonSchedule and setWorkingHours: an admin changes the salon's zone, grid and opening
hours, or a stylist's weekly hours. Each change is checked whole before anything is written,
taken under the lock the contract names (the salon schedule exclusively; a stylist's slots,
then the salon schedule shared), audited in schedule_changes and announced as a
SCHEDULE_CHANGED event, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import people, schedule_audit, schedule_edits, schedules, slots
from salonbook.db.engine import unit_of_work
from salonbook.db.schedule_audit import Audit
from salonbook.domain import bounds
from salonbook.domain.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import (
    SalonSettings,
    ScheduleChangeKind,
    StylistHours,
    WeeklyHours,
    check_slot_minutes,
    check_time_zone,
    check_weekly_hours,
    within,
)
from salonbook.use_cases.deps import Caller, Deps


def required_reason(value: str) -> str:
    """Every schedule change says why (the audit keeps it): 1 to REASON_MAX, trimmed."""
    reason = bounds.reason(value)
    if reason is None:
        raise ValidationFailed("reason is required: say why the schedule changes", field="reason")
    return reason


def audit_of(deps: Deps, caller: Caller, actor: Actor, reason: str) -> Audit:
    return Audit(
        actor=actor,
        reason=reason,
        ip_address=caller.ip_address,
        user_agent=caller.user_agent,
        now=deps.clock.now(),
    )


def _admin(caller: Caller, what: str) -> Actor:
    actor = caller.require_actor()
    if actor.role is not Role.ADMIN:
        raise Forbidden(f"only an admin {what}")
    return actor


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise VersionConflict(
            f"the schedule is at version {current}, not {expected}", current_version=current
        )


@dataclass(frozen=True, slots=True)
class SavedSettings:
    settings: SalonSettings
    version: int


async def set_salon_schedule(
    deps: Deps,
    caller: Caller,
    *,
    time_zone: str,
    slot_minutes: int,
    opening_hours: WeeklyHours | None,
    reason: str,
    expected_version: int | None,
) -> SavedSettings:
    actor = _admin(caller, "sets the salon's schedule")
    settings = SalonSettings(
        time_zone=check_time_zone(time_zone),
        slot_minutes=check_slot_minutes(slot_minutes),
        opening_hours=(
            None
            if opening_hours is None
            else check_weekly_hours(opening_hours, field="openingHours")
        ),
    )
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        await slots.hold_salon_schedule(connection, exclusive=True)
        current = await schedules.stored_salon_settings(connection, for_update=True)
        _check_version(current.version, expected_version)
        version = await schedule_edits.save_settings(connection, settings=settings, now=audit.now)
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.SALON_SETTINGS_SET,
            stylist_id=None,
            audit=audit,
            before=schedule_audit.settings_json(current.settings),
            after=schedule_audit.settings_json(settings),
        )
    await deps.announce()
    return SavedSettings(settings=settings, version=version)


async def require_stylist(connection: AsyncConnection, stylist_id: UUID) -> None:
    person = await people.load(connection, person_id=stylist_id)
    if person is None or person.role is not Role.STYLIST:
        raise NotFound("stylist not found")


@dataclass(frozen=True, slots=True)
class SavedHours:
    stylist_id: UUID
    hours: StylistHours
    version: int


async def set_working_hours(
    deps: Deps,
    caller: Caller,
    *,
    stylist_id: UUID,
    working_hours: WeeklyHours | None,
    allow_outside_opening_hours: bool,
    reason: str,
    expected_version: int | None,
) -> SavedHours:
    actor = _admin(caller, "sets working hours")
    hours = StylistHours(
        working_hours=(
            None
            if working_hours is None
            else check_weekly_hours(working_hours, field="workingHours")
        ),
        outside_opening_hours=allow_outside_opening_hours,
    )
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        await require_stylist(connection, stylist_id)
        await slots.take_slots_deciding_on_schedule(connection, stylist_id)
        opening = (await schedules.salon_settings(connection)).opening_hours
        if (
            hours.working_hours is not None
            and opening is not None
            and not allow_outside_opening_hours
            and not within(hours.working_hours, opening)
        ):
            raise ValidationFailed(
                "workingHours: outside the salon's opening hours (an admin may allow it with"
                " allowOutsideOpeningHours)",
                field="workingHours",
            )
        current = (
            await schedules.stored_stylist_hours(
                connection, stylist_ids=[stylist_id], for_update=True
            )
        )[stylist_id]
        _check_version(current.version, expected_version)
        version = await schedule_edits.save_stylist_hours(
            connection, stylist_id=stylist_id, hours=hours, now=audit.now
        )
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.WORKING_HOURS_SET,
            stylist_id=stylist_id,
            audit=audit,
            before=schedule_audit.hours_json(current.hours),
            after=schedule_audit.hours_json(hours),
        )
    await deps.announce()
    return SavedHours(stylist_id=stylist_id, hours=hours, version=version)
