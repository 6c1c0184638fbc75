"""The stored role without a database read per request: a person seen before is answered from the
process's role cache, over HTTP and at a websocket's connection_init alike, and a change of
their role (or their erasure) made anywhere, even straight in the database, drops them from it
as soon as the process hears of it. Here the session's app; two server processes are in
test_role_cache_processes.py, a lost listener in test_role_cache_listener.py."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from starlette.applications import Starlette

from salonbook.auth.role_cache import RoleCache
from salonbook.db.urls import plain_url
from salonbook.domain.roles import Role
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.roles import ME, role_cache, until

ERASE = """mutation($input: ErasePersonInput!) { erasePerson(input: $input) { __typename } }"""


def live_cache(app: Starlette) -> RoleCache:
    found = role_cache(app)
    assert found.live, "the session app listens to the people channel"
    return found


def counts(cache: RoleCache) -> tuple[int, int]:
    return cache.hits, cache.misses


async def role_of(api: Api, token: str) -> str:
    answer = await api.gql(ME, token=token)
    role: str = answer["data"]["me"]["role"]
    return role


async def test_a_person_seen_before_needs_no_read_over_http_or_at_connection_init(
    app: Starlette, api: Api, factory: Factory, live: str
) -> None:
    cache = live_cache(app)
    stylist = await factory.person(Role.STYLIST)
    token = factory.token(stylist)
    start = counts(cache)

    first = await role_of(api, token)
    after_first = counts(cache)
    second = await role_of(api, token)
    after_second = counts(cache)
    async with ws_client(live, token=token) as client:
        answer = await client.next(await client.subscribe(ME))
    after_socket = counts(cache)

    assert (first, second) == ("STYLIST", "STYLIST")
    assert after_first == (start[0], start[1] + 1)  # read, then kept
    assert after_second == (start[0] + 1, start[1] + 1)
    assert after_socket == (start[0] + 2, start[1] + 1)
    assert answer["payload"]["data"]["me"]["role"] == "STYLIST"


async def test_a_newcomer_is_provisioned_once_and_kept_with_the_role_their_claim_seeded(
    app: Starlette, api: Api
) -> None:
    cache, newcomer = live_cache(app), uuid.uuid4()
    start = counts(cache)

    first = await role_of(api, api.token(newcomer, Role.STYLIST))
    later = await role_of(api, api.token(newcomer, Role.ADMIN))

    assert (first, later) == ("STYLIST", "STYLIST")
    assert counts(cache) == (start[0] + 1, start[1] + 1)


async def test_the_owners_direct_update_applies_from_the_first_request_after_it_is_heard(
    app: Starlette, api: Api, factory: Factory, owner_url: str
) -> None:
    """No process made this change: only the trigger's notification can reach the cache."""
    cache = live_cache(app)
    admin = await factory.person(Role.ADMIN)
    token = factory.token(admin)
    assert [await role_of(api, token), await role_of(api, token)] == ["ADMIN", "ADMIN"]
    hits = cache.hits
    heard = cache.changes_heard

    owner = await asyncpg.connect(plain_url(owner_url))
    try:
        await owner.execute("UPDATE people SET role = 'customer' WHERE id = $1", admin.id)
    finally:
        await owner.close()
    await until(lambda: cache.changes_heard > heard)
    misses = cache.misses
    after = [await role_of(api, token) for _ in range(3)]

    assert hits > 0  # it was answered from the cache before
    assert after == ["CUSTOMER"] * 3
    assert (cache.misses, cache.hits) == (misses + 1, hits + 2)


async def test_an_erasure_drops_the_person_from_the_cache(
    app: Starlette, api: Api, factory: Factory
) -> None:
    """erasePerson changes no role; the notification drops the person all the same (what the
    cache keeps follows what `role_of` answers, and erasure may one day change that)."""
    cache = live_cache(app)
    party = await factory.party()
    token = factory.token(party.customer)
    await role_of(api, token)
    heard = cache.changes_heard

    erased = await api.gql(
        ERASE,
        {"input": {"personId": str(party.customer.id), "reason": "asked to"}},
        token=factory.token(party.admin),
    )
    await until(lambda: cache.changes_heard > heard)
    misses = cache.misses
    me: dict[str, Any] = (await api.gql(ME, token=token))["data"]["me"]

    assert erased["data"]["erasePerson"] == {"__typename": "ErasePersonSuccess"}
    assert cache.misses == misses + 1
    assert (me["role"], me["displayName"]) == ("CUSTOMER", "Erased person")
