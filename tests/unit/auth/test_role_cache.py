"""The role cache answers only while its channel is listened to, keeps no read that a change
overtook, and forgets what it hears of."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from salonbook.auth.role_cache import RoleCache
from salonbook.domain.roles import Role


def listening_cache(capacity: int = 10) -> RoleCache:
    cache = RoleCache(capacity=capacity)
    cache.listening()
    return cache


def test_until_its_channel_is_listened_to_it_keeps_and_answers_nothing() -> None:
    cache, person = RoleCache(), uuid.uuid4()

    cache.put(person, Role.ADMIN, ticket=cache.ticket())

    assert (cache.live, cache.get(person), len(cache)) == (False, None, 0)
    assert (cache.hits, cache.misses) == (0, 1)


def test_a_read_is_kept_and_answered_until_a_change_of_that_person_is_heard() -> None:
    cache, person, other = listening_cache(), uuid.uuid4(), uuid.uuid4()
    cache.put(person, Role.ADMIN, ticket=cache.ticket())
    cache.put(other, Role.STYLIST, ticket=cache.ticket())

    before = cache.get(person)
    cache.heard(str(person))

    assert (before, cache.get(person), cache.get(other)) == (Role.ADMIN, None, Role.STYLIST)
    assert (cache.hits, cache.misses, cache.changes_heard) == (2, 1, 1)


def test_a_read_that_a_change_overtook_is_not_kept() -> None:
    """A change heard between the read's start and its end may postdate what it read (of that
    person or of any other: the ticket does not say whose)."""
    cache, person = listening_cache(), uuid.uuid4()
    changes: list[Callable[[], None]] = [
        lambda: cache.heard(str(uuid.uuid4())),
        lambda: cache.forget(person),
    ]
    for change in changes:
        ticket = cache.ticket()
        change()
        cache.put(person, Role.ADMIN, ticket=ticket)
        assert cache.get(person) is None


def test_losing_the_channel_empties_and_turns_it_off_and_listening_again_starts_empty() -> None:
    cache, person = listening_cache(), uuid.uuid4()
    cache.put(person, Role.ADMIN, ticket=cache.ticket())
    read_before_the_loss = cache.ticket()

    cache.lost()
    off = (cache.live, cache.get(person), len(cache))
    cache.put(person, Role.ADMIN, ticket=cache.ticket())
    kept_while_off = len(cache)
    cache.listening()
    cache.put(person, Role.ADMIN, ticket=read_before_the_loss)

    assert off == (False, None, 0)
    assert kept_while_off == 0
    assert (cache.live, len(cache)) == (True, 0)
    cache.put(person, Role.CUSTOMER, ticket=cache.ticket())
    assert cache.get(person) is Role.CUSTOMER


def test_listening_again_empties_what_was_kept() -> None:
    """After a reconnection nothing kept before it is trusted: what was sent meanwhile was lost."""
    cache, person = listening_cache(), uuid.uuid4()
    cache.put(person, Role.ADMIN, ticket=cache.ticket())

    cache.listening()

    assert (cache.get(person), len(cache)) == (None, 0)


def test_a_truncation_empties_it() -> None:
    cache, people = listening_cache(), [uuid.uuid4() for _ in range(3)]
    for person in people:
        cache.put(person, Role.CUSTOMER, ticket=cache.ticket())

    cache.heard("*")

    assert len(cache) == 0


def test_the_least_recently_used_goes_first_when_full() -> None:
    cache = listening_cache(capacity=2)
    first, second, third = (uuid.uuid4() for _ in range(3))
    cache.put(first, Role.ADMIN, ticket=cache.ticket())
    cache.put(second, Role.STYLIST, ticket=cache.ticket())
    assert cache.get(first) is Role.ADMIN  # now the most recently used

    cache.put(third, Role.CUSTOMER, ticket=cache.ticket())

    assert (cache.get(first), cache.get(second), cache.get(third)) == (
        Role.ADMIN,
        None,
        Role.CUSTOMER,
    )
