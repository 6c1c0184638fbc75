"""erasePerson: the right to erasure. The person's name, email and phone become placeholders,
and the free text, IP addresses and user agents tied to them are redacted wherever they are
kept (db/redaction.py); bookings and audit rows stay, and the erasure itself is recorded."""

from __future__ import annotations

from uuid import UUID

from salonbook.db import people
from salonbook.db.engine import unit_of_work
from salonbook.domain import bounds
from salonbook.domain.errors import Forbidden, NotFound, ReasonRequired
from salonbook.domain.roles import Role
from salonbook.use_cases.deps import Caller, Deps


async def erase_person(
    deps: Deps, caller: Caller, *, person_id: UUID, reason: str | None
) -> people.Person:
    """The person as erased."""
    actor = caller.require_actor()
    if actor.role is not Role.ADMIN:
        raise Forbidden("only an admin erases a person's data")
    kept = bounds.reason(reason)
    if kept is None:
        raise ReasonRequired("erasing a person needs a reason")
    now = deps.clock.now()
    async with unit_of_work(deps.engine) as connection:
        erased = await people.erase(
            connection, person_id=person_id, by=actor.person_id, reason=kept, now=now
        )
        if not erased:
            raise NotFound("person not found")
        person = await people.load(connection, person_id=person_id)
    assert person is not None, "an erased person keeps their row"
    return person
