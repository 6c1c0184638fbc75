"""The parse and validation caches: an operation seen before is neither parsed nor validated
again, and what a cached validation refused is refused the same way every time."""

from __future__ import annotations

import uuid

from salonbook.api.execution.documents import MAX_ALIASES, parsed, validated
from salonbook.domain.roles import Role
from tests.support.api import Api


async def test_a_repeated_operation_is_parsed_and_validated_once(api: Api) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    query = f"query Probe{uuid.uuid4().hex} {{ services {{ id }} }}"
    parses, validations = parsed.cache_info(), validated.cache_info()

    first = await api.gql(query, token=token)
    second = await api.gql(query, token=token)

    assert first == second == {"data": {"services": first["data"]["services"]}}
    # the first parse is asked for twice (once to validate it), then kept
    assert (parsed.cache_info().misses, parsed.cache_info().hits) == (
        parses.misses + 1,
        parses.hits + 2,
    )
    assert (validated.cache_info().misses, validated.cache_info().hits) == (
        validations.misses + 1,
        validations.hits + 1,
    )


async def test_an_operation_over_a_limit_is_refused_alike_every_time(api: Api) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    aliases = " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1))
    query = f"query Probe{uuid.uuid4().hex} {{ {aliases} }}"

    answers = [(await api.post(query, token=token)).json() for _ in range(3)]

    message = f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"
    assert answers[0] == answers[1] == answers[2]
    assert [error["message"] for error in answers[0]["errors"]] == [message]
    assert answers[0].get("data") is None
