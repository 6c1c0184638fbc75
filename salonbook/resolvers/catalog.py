"""Services: listing and the admin's upsert."""

from __future__ import annotations

import re

from salonbook.db import services
from salonbook.db.engine import reading, unit_of_work
from salonbook.db.services import Service
from salonbook.domain.errors import Forbidden, ValidationFailed
from salonbook.domain.roles import Role
from salonbook.resolvers.deps import Caller, Deps

_CURRENCY = re.compile(r"^[A-Z]{3}$")


async def list_services(deps: Deps, caller: Caller) -> list[Service]:
    actor = caller.require_actor()
    async with reading(deps.engine) as connection:
        return await services.list_services(connection, include_inactive=actor.role.sees_everything)


def _validate(service: Service) -> Service:
    name = service.name.strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed("name must be 1 to 200 characters", field="name")
    if not 5 <= service.duration_minutes <= 720:
        raise ValidationFailed("durationMinutes must be 5 to 720", field="durationMinutes")
    if service.price_cents < 0:
        raise ValidationFailed("priceCents must not be negative", field="priceCents")
    if not _CURRENCY.match(service.currency):
        raise ValidationFailed("currency must be an ISO 4217 code like EUR", field="currency")
    return Service(
        id=service.id,
        name=name,
        duration_minutes=service.duration_minutes,
        price_cents=service.price_cents,
        currency=service.currency,
        active=service.active,
    )


async def upsert_service(deps: Deps, caller: Caller, *, service: Service) -> Service:
    if caller.require_actor().role is not Role.ADMIN:
        raise Forbidden("only an admin manages services")
    valid = _validate(service)
    async with unit_of_work(deps.engine) as connection:
        return await services.upsert(connection, service=valid, now=deps.clock.now())
