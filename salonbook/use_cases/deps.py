"""What every use case is given: the application's parts, and who is calling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.domain import bounds
from salonbook.domain.clock import Clock
from salonbook.domain.errors import Unauthenticated
from salonbook.domain.model import Actor, Windows

Announcer = Callable[[], Awaitable[None]]


def _cached_nowhere(person_id: UUID) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Deps:
    engine: AsyncEngine
    clock: Clock
    windows: Windows
    idempotency_ttl: timedelta = timedelta(hours=24)
    announcers: list[Announcer] = field(default_factory=list)
    """Called after a change commits (the Redis broadcast needs telling; LISTEN does not)."""
    forget_role: Callable[[UUID], None] = _cached_nowhere
    """Called after a person's role may have changed here: this process's cached role of theirs
    goes at once (the others hear it from the database: auth/role_cache.py)."""

    async def announce(self) -> None:
        for announcer in self.announcers:
            await announcer()


@dataclass(frozen=True, slots=True)
class Caller:
    actor: Actor | None
    ip_address: str | None = None
    user_agent: str | None = None
    """Kept as bounds.user_agent cuts it, however the Caller is built: it is recorded."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_agent", bounds.user_agent(self.user_agent))

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise Unauthenticated("sign in: send Authorization: Bearer <token>")
        return self.actor
