"""The stored role of the people this process has seen, so that a request needs no database read
to learn what its caller may do, and a role change still counts on every process at once.

A trigger on `people` (migration 0007) NOTIFYs `salonbook_people` with a person's id whenever
what `people.role_of` answers for them may change, inside the writing transaction: whichever
process or database role made the change (upsertPerson, an erasure, an operator's UPDATE), the
notification goes out as it commits. Every process hears it on its PostgreSQL LISTEN connection
(realtime/listener.py; one of its own when Redis is the broadcast) and drops that entry; the
process that made a change through the API drops its own entry as soon as it commits.

The cache answers only while that connection listens. When it is lost the cache is emptied and
bypassed (each request reads the role, as without a cache) until LISTEN is back, and emptied
again then: what was sent meanwhile went unheard. So a role change reaches every process as
fast as its notification: a request another process serves between the change's commit and
the notification's arrival (typically under a millisecond; longer only while a connection that
died without a word is not yet noticed: up to twice the listener's ping interval, 10 s) acts
with the old role. A read that a change overtakes is not kept (`ticket`). A payload that is not
a person's id (`*`, sent when the table is truncated) empties the cache."""

from __future__ import annotations

import logging
from collections import OrderedDict
from uuid import UUID

from salonbook.domain.roles import Role

log = logging.getLogger("salonbook.role_cache")

CAPACITY = 50_000
"""People kept at most, the least recently seen dropped first (a few MiB)."""


class RoleCache:
    """person id → stored role, least recently used out; a ChannelWatcher of the people
    channel, which alone turns it on."""

    def __init__(self, *, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._roles: OrderedDict[UUID, Role] = OrderedDict()
        self._generation = 0
        self._live = False
        self.hits = 0
        self.misses = 0
        self.changes_heard = 0

    @property
    def live(self) -> bool:
        """Whether it answers: while the people channel is listened to."""
        return self._live

    def __len__(self) -> int:
        return len(self._roles)

    def get(self, person_id: UUID) -> Role | None:
        """The cached role; None when it must be read (not cached, or the cache is off)."""
        role = self._roles.get(person_id) if self._live else None
        if role is None:
            self.misses += 1
            return None
        self._roles.move_to_end(person_id)
        self.hits += 1
        return role

    def ticket(self) -> int:
        """Taken before reading a role, handed to `put`: if any change was heard in between,
        the read may predate it and is not kept."""
        return self._generation

    def put(self, person_id: UUID, role: Role, *, ticket: int) -> None:
        if not self._live or ticket != self._generation:
            return
        self._roles[person_id] = role
        self._roles.move_to_end(person_id)
        if len(self._roles) > self._capacity:
            self._roles.popitem(last=False)

    def forget(self, person_id: UUID) -> None:
        """Their role may have changed: read it again next time."""
        self._generation += 1
        self._roles.pop(person_id, None)

    def listening(self) -> None:
        self._empty()
        if not self._live:  # the listener itself says, at WARNING, when its connection goes
            log.debug("role cache on: the people channel is listened to")
        self._live = True

    def heard(self, payload: str) -> None:
        self.changes_heard += 1
        try:
            person_id = UUID(payload)
        except ValueError:  # `*`: everyone
            self._empty()
        else:
            self.forget(person_id)
        log.debug("role cache: heard a change of person %s", payload)

    def lost(self) -> None:
        if self._live:
            log.debug("role cache off until the people channel is listened to again")
        self._live = False
        self._empty()

    def _empty(self) -> None:
        self._generation += 1
        self._roles.clear()
