"""addTimeOff / removeTimeOff (an admin, or the stylist for themself) and addClosure /
removeClosure (an admin). Time off takes the stylist's slots (as a booking of theirs does),
closures the salon schedule exclusively, so the overlap checks here and a booking's checks
never pass on stale reads. Removal marks the row; the audit row and the SCHEDULE_CHANGED event
come in the same transaction. Adding returns the bookings that hold their slot inside the new
absence: they stay, and the admin decides what to do with them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import schedule_audit, schedule_edits, schedules, slots
from salonbook.db.engine import unit_of_work
from salonbook.db.schedules import ClosureRecord, TimeOffRecord
from salonbook.domain.errors import Forbidden, NotFound, ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import Absence, ScheduleChangeKind, check_absence
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.schedule_edits import audit_of, require_stylist, required_reason


@dataclass(frozen=True, slots=True)
class AddedTimeOff:
    time_off: TimeOffRecord
    affected_bookings: list[UUID]


@dataclass(frozen=True, slots=True)
class AddedClosure:
    closure: ClosureRecord
    affected_bookings: list[UUID]


def _for_stylist(actor: Actor, stylist_id: UUID, what: str) -> None:
    if actor.role is Role.ADMIN:
        return
    if actor.role is Role.STYLIST and actor.person_id == stylist_id:
        return
    raise Forbidden(f"only an admin, or the stylist for themself, {what}")


def _admin(actor: Actor, what: str) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(f"only an admin {what}")


async def add_time_off(
    deps: Deps, caller: Caller, *, stylist_id: UUID, start: datetime, end: datetime, reason: str
) -> AddedTimeOff:
    actor = caller.require_actor()
    _for_stylist(actor, stylist_id, "adds time off")
    absence = check_absence(start, end)
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        await require_stylist(connection, stylist_id)
        await slots.take_slots_of(connection, stylist_id)
        await _no_overlap_time_off(connection, stylist_id, absence)
        added = await schedule_edits.add_time_off(
            connection,
            id=uuid.uuid4(),
            stylist_id=stylist_id,
            absence=absence,
            reason=audit.reason,
            actor=actor,
            now=audit.now,
        )
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.TIME_OFF_ADDED,
            stylist_id=stylist_id,
            audit=audit,
            before=None,
            after=schedule_audit.absence_json(added.id, absence),
        )
        affected = await schedule_edits.bookings_holding(
            connection, stylist_id=stylist_id, absence=absence
        )
    await deps.announce()
    return AddedTimeOff(time_off=added, affected_bookings=affected)


async def _no_overlap_time_off(
    connection: AsyncConnection, stylist_id: UUID, absence: Absence
) -> None:
    found = await schedules.time_off_records(
        connection, stylist_ids=[stylist_id], start=absence.start, end=absence.end
    )
    if found[stylist_id]:
        raise ValidationFailed("start: overlaps time off the stylist already has", field="start")


async def remove_time_off(
    deps: Deps, caller: Caller, *, time_off_id: UUID, reason: str
) -> TimeOffRecord:
    actor = caller.require_actor()
    if actor.role not in (Role.ADMIN, Role.STYLIST):
        raise Forbidden("only an admin, or the stylist for their own, removes time off")
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        found = await _live_time_off(connection, time_off_id)
        _for_stylist(actor, found.stylist_id, "removes time off")
        await slots.take_slots_of(connection, found.stylist_id)
        locked = await schedule_edits.lock_time_off(connection, id=time_off_id)
        if locked is None:  # removed meanwhile
            raise NotFound("time off not found")
        await schedule_edits.remove_time_off(connection, id=time_off_id, actor=actor, now=audit.now)
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.TIME_OFF_REMOVED,
            stylist_id=locked.stylist_id,
            audit=audit,
            before=schedule_audit.absence_json(locked.id, locked.absence),
            after=None,
        )
    await deps.announce()
    return locked


async def _live_time_off(connection: AsyncConnection, time_off_id: UUID) -> TimeOffRecord:
    found = await schedules.time_off_by_id(connection, id=time_off_id)
    if found is None or found.removed_at is not None:
        raise NotFound("time off not found")
    return found


async def add_closure(
    deps: Deps, caller: Caller, *, start: datetime, end: datetime, reason: str
) -> AddedClosure:
    actor = caller.require_actor()
    _admin(actor, "adds a closure")
    absence = check_absence(start, end)
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        await slots.hold_salon_schedule(connection, exclusive=True)
        if await schedules.closure_records(connection, start=absence.start, end=absence.end):
            raise ValidationFailed("start: overlaps a closure already there", field="start")
        added = await schedule_edits.add_closure(
            connection, id=uuid.uuid4(), absence=absence, reason=audit.reason, actor=actor,
            now=audit.now,
        )  # fmt: skip
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.CLOSURE_ADDED,
            stylist_id=None,
            audit=audit,
            before=None,
            after=schedule_audit.absence_json(added.id, absence),
        )
        affected = await schedule_edits.bookings_holding(
            connection, stylist_id=None, absence=absence
        )
    await deps.announce()
    return AddedClosure(closure=added, affected_bookings=affected)


async def remove_closure(
    deps: Deps, caller: Caller, *, closure_id: UUID, reason: str
) -> ClosureRecord:
    actor = caller.require_actor()
    _admin(actor, "removes a closure")
    audit = audit_of(deps, caller, actor, required_reason(reason))
    async with unit_of_work(deps.engine) as connection:
        await slots.hold_salon_schedule(connection, exclusive=True)
        locked = await schedule_edits.lock_closure(connection, id=closure_id)
        if locked is None:
            raise NotFound("closure not found")
        await schedule_edits.remove_closure(connection, id=closure_id, actor=actor, now=audit.now)
        await schedule_audit.record_change(
            connection,
            kind=ScheduleChangeKind.CLOSURE_REMOVED,
            stylist_id=None,
            audit=audit,
            before=schedule_audit.absence_json(locked.id, locked.absence),
            after=None,
        )
    await deps.announce()
    return locked
