"""People: who am I, the stylists, and the admin's upsert (a person may edit their own contact
details)."""

from __future__ import annotations

from uuid import UUID

from salonbook.db import people
from salonbook.db.engine import reading, unit_of_work
from salonbook.db.people import Person
from salonbook.domain import bounds
from salonbook.domain.errors import Forbidden
from salonbook.domain.roles import Role
from salonbook.use_cases.deps import Caller, Deps


async def me(deps: Deps, caller: Caller) -> Person | None:
    if caller.actor is None:
        return None
    async with reading(deps.engine) as connection:
        return await people.load(connection, person_id=caller.actor.person_id)


STYLISTS_LIMIT = 200
"""How many stylists `stylists` lists at most: a salon has tens."""


async def stylists(deps: Deps, caller: Caller) -> list[Person]:
    """Every stylist (up to STYLISTS_LIMIT), by display name then id, for anyone signed in."""
    caller.require_actor()
    async with reading(deps.engine) as connection:
        return await people.stylists(connection, limit=STYLISTS_LIMIT)


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
    name = bounds.display_name(display_name)
    email = bounds.email(email)
    phone = bounds.phone(phone)
    try:
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
    finally:  # committed, or not (forgetting costs one read)
        deps.forget_role(person_id)
