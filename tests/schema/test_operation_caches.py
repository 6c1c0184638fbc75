"""The parse and validation caches: an operation seen before is neither parsed nor validated
again, and what a cached validation refused is refused the same way every time."""

from __future__ import annotations

import functools
import uuid
from typing import Any, cast

from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import DEFAULT_MAXSIZE, _get_validate_cache

from salonbook.domain.roles import Role
from salonbook.schema.schema import MAX_ALIASES
from tests.support.api import Api


async def test_a_repeated_operation_is_parsed_and_validated_once(api: Api) -> None:
    token = api.token(uuid.uuid4(), Role.ADMIN)
    query = f"query Probe{uuid.uuid4().hex} {{ services {{ id }} }}"
    parses = cast("functools._lru_cache_wrapper[Any]", _get_parse_cache(DEFAULT_MAXSIZE))
    validations = cast("functools._lru_cache_wrapper[Any]", _get_validate_cache(DEFAULT_MAXSIZE))
    parsed, validated = parses.cache_info(), validations.cache_info()

    first = await api.gql(query, token=token)
    second = await api.gql(query, token=token)

    assert first == second == {"data": {"services": first["data"]["services"]}}
    assert (parses.cache_info().misses, parses.cache_info().hits) == (
        parsed.misses + 1,
        parsed.hits + 1,
    )
    assert (validations.cache_info().misses, validations.cache_info().hits) == (
        validated.misses + 1,
        validated.hits + 1,
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
