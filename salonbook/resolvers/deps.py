"""What every use case is given: the application's parts, and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain.clock import Clock
from salonbook.domain.errors import Unauthenticated
from salonbook.domain.model import Actor, Windows


@dataclass(frozen=True, slots=True)
class Deps:
    engine: AsyncEngine
    clock: Clock
    windows: Windows
    idempotency_ttl: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Caller:
    actor: Actor | None
    ip_address: str | None = None
    user_agent: str | None = None

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise Unauthenticated("sign in: send Authorization: Bearer <token>")
        return self.actor
