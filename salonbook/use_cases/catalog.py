"""Services: listing and the admin's upsert."""

from __future__ import annotations

from salonbook.db import services
from salonbook.db.engine import reading, unit_of_work
from salonbook.db.services import Service
from salonbook.domain import bounds, schedules
from salonbook.domain.errors import Forbidden
from salonbook.domain.roles import Role
from salonbook.use_cases.deps import Caller, Deps


async def list_services(deps: Deps, caller: Caller) -> list[Service]:
    actor = caller.require_actor()
    async with reading(deps.engine) as connection:
        return await services.list_services(connection, include_inactive=actor.role.sees_everything)


def _validate(service: Service) -> Service:
    return Service(
        id=service.id,
        name=bounds.service_name(service.name),
        duration_minutes=bounds.duration_minutes(service.duration_minutes),
        price_cents=bounds.price_cents(service.price_cents),
        currency=bounds.currency(service.currency),
        active=service.active,
        buffer_minutes=schedules.check_buffer_minutes(service.buffer_minutes),
    )


async def upsert_service(
    deps: Deps, caller: Caller, *, service: Service, keep_buffer: bool = False
) -> Service:
    """`keep_buffer`: the buffer was not given; a service already there keeps its own (a new
    one gets 0)."""
    if caller.require_actor().role is not Role.ADMIN:
        raise Forbidden("only an admin manages services")
    valid = _validate(service)
    async with unit_of_work(deps.engine) as connection:
        return await services.upsert(
            connection, service=valid, now=deps.clock.now(), keep_buffer=keep_buffer
        )
