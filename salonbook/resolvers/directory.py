"""People: who am I, and the admin's upsert (a person may edit their own contact details)."""

from __future__ import annotations

import re
from uuid import UUID

from salonbook.db import people
from salonbook.db.engine import reading, unit_of_work
from salonbook.db.people import Person
from salonbook.domain.errors import Forbidden, ValidationFailed
from salonbook.domain.roles import Role
from salonbook.resolvers.deps import Caller, Deps

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,20}$")


async def me(deps: Deps, caller: Caller) -> Person | None:
    if caller.actor is None:
        return None
    async with reading(deps.engine) as connection:
        return await people.load(connection, person_id=caller.actor.person_id)


async def upsert_person(
    deps: Deps,
    caller: Caller,
    *,
    person_id: UUID,
    role: Role,
    display_name: str,
    email: str | None,
    phone: str | None,
) -> Person:
    actor = caller.require_actor()
    name = display_name.strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed("displayName must be 1 to 200 characters", field="displayName")
    if email is not None and not _EMAIL.match(email):
        raise ValidationFailed("email is not an email address", field="email")
    if phone is not None and not _PHONE.match(phone):
        raise ValidationFailed("phone is not a phone number", field="phone")
    async with unit_of_work(deps.engine) as connection:
        if actor.role is not Role.ADMIN:
            current = await people.load(connection, person_id=person_id)
            if person_id != actor.person_id or current is None or current.role is not role:
                raise Forbidden("only an admin manages people; you may edit your own details")
        return await people.upsert(
            connection,
            person_id=person_id,
            role=role,
            display_name=name,
            email=email,
            phone=phone,
            now=deps.clock.now(),
        )
