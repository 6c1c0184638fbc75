"""Admission for the database work of websockets: a reconnect storm (every open dashboard
connecting at once after a deploy) must not run the pool dry.

A new connection's caller whose role is not cached, a subscription's first read (the booking
it names, the replay from its cursor): each takes one of a few slots, waiting at most
`wait` seconds for one. A connection or subscription that gets none is closed with 1013 (try
again later); graphql-ws clients retry after a randomised pause, so a storm is spread over
time instead of queued in front of the pool, whose own wait (SALONBOOK_DB_CONNECT_TIMEOUT
_SECONDS) would end in errors. The slots are fewer than the pool's connections: queries and
mutations keep the rest."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

WAIT_SECONDS = 2.0
"""How long a connection_init or a subscription waits for a slot, at most; the lifespan takes
less when the pool's own wait (SALONBOOK_DB_CONNECT_TIMEOUT_SECONDS, 3 s by default) is under
twice this. A pool timeout all the same also closes with 1013."""


class Overloaded(Exception):
    """No slot within the wait: the client should try again later (1013)."""


def slots_for(pool_size: int) -> int:
    """Half the pool (at least one): the other half stays free for queries and mutations."""
    return max(1, pool_size // 2)


class Admission:
    def __init__(self, *, slots: int, wait: float = WAIT_SECONDS) -> None:
        self._slots = asyncio.Semaphore(slots)
        self._wait = wait
        self.refused = 0
        """Connections and subscriptions told to try again later (a metric)."""

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """A slot for one piece of database work, held until the block ends; Overloaded after
        waiting `wait` seconds for one."""
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self._wait)
        except TimeoutError:
            self.refused += 1
            raise Overloaded("the server is busy; try again later") from None
        try:
            yield
        finally:
            self._slots.release()
