"""Two server processes on one database, each with its role cache: an admin demoted through
process A is refused on process B from the first request after B hears of it, and from then on,
over PostgreSQL LISTEN (the default) and with Redis as the broadcast (where B listens to the
people channel on a connection of its own). When B has heard is read from its log (DEBUG), so
the first request after it is exact rather than a guess at a delay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from salonbook.domain.roles import Role
from tests.support.factory import Factory
from tests.support.processes import SERVE, ServerProcess, server_environment, servers

BACKENDS = {"postgres": None, "redis": "redis://127.0.0.1:6379/0"}
ME = "{ me { role } }"
RESULT = "__typename ... on Error { code }"
UPSERT_PERSON = f"""mutation($input: UpsertPersonInput!) {{ upsertPerson(input: $input) {{
  {RESULT} }} }}"""
UPSERT_SERVICE = f"""mutation {{ upsertService(input: {{name: "Cut", durationMinutes: 30,
  priceCents: 100, currency: "EUR"}}) {{ {RESULT} }} }}"""
FORBIDDEN = {"__typename": "ForbiddenError", "code": "FORBIDDEN"}


@pytest.fixture(scope="module", params=sorted(BACKENDS))
async def pair(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[ServerProcess, ServerProcess]]:
    backend: str = request.param
    environment = server_environment(database_url=database_url, broadcast_url=BACKENDS[backend])
    environment["SALONBOOK_LOG_LEVEL"] = "DEBUG"
    logs = tmp_path_factory.mktemp(f"role-cache-{backend}")
    async with servers(("a", "b"), environment=environment, logs=logs, command=SERVE) as (a, b):
        yield a, b


async def until_logged(server: ServerProcess, text: str, *, within: float = 2.0) -> None:
    wanted = text.encode()
    async with asyncio.timeout(within):
        while wanted not in server.log.read_bytes():  # noqa: ASYNC110 (another process's log)
            await asyncio.sleep(0.005)


async def role_on(server: ServerProcess, token: str) -> str:
    role: str = (await server.gql(ME, token=token))["data"]["me"]["role"]
    return role


async def test_an_admin_demoted_on_a_is_refused_on_b_from_the_first_request_after_b_hears_it(
    pair: tuple[ServerProcess, ServerProcess], factory: Factory
) -> None:
    a, b = pair
    demoted, admin = await factory.person(Role.ADMIN), await factory.person(Role.ADMIN)
    token = factory.token(demoted)
    assert b"role cache on" in b.log.read_bytes(), b.log_tail()
    before = [await role_on(b, token), await role_on(b, token)]  # read, then from B's cache
    allowed = await b.gql(UPSERT_SERVICE, token=token)
    heard = f"heard a change of person {demoted.id}"
    assert heard.encode() not in b.log.read_bytes()

    change = {"id": str(demoted.id), "role": "CUSTOMER", "displayName": demoted.display_name}
    done = await a.gql(UPSERT_PERSON, {"input": change}, token=factory.token(admin))
    await until_logged(b, heard)
    refused = await b.gql(UPSERT_SERVICE, token=token)
    after = [await role_on(b, token) for _ in range(3)]

    assert before == ["ADMIN", "ADMIN"]
    assert allowed["data"]["upsertService"] == {"__typename": "UpsertServiceSuccess"}
    assert done["data"]["upsertPerson"] == {"__typename": "UpsertPersonSuccess"}
    assert refused["data"]["upsertService"] == FORBIDDEN
    assert after == ["CUSTOMER"] * 3
