"""The wrapper every mutation shares: expected failures become its typed error result."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast

from salonbook.api.errors import error_type
from salonbook.domain.errors import SalonbookError, Unauthenticated
from salonbook.observability.operations import note_mutation_result

P = ParamSpec("P")
R = TypeVar("R")


def mutation_result(resolve: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorates a mutation resolver declared to return its result union and written to return
    its success: a domain error it raises is answered as the union's error type for it."""

    @functools.wraps(resolve)
    async def resolved(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = await resolve(*args, **kwargs)
        except Unauthenticated:
            raise  # top-level, like every other operation without a token
        except SalonbookError as error:
            refused = error_type(error)
            note_mutation_result(type(refused).__name__, refused.code.value)
            # R is the result union, which lists each error its use case raises (strawberry
            # answers any other with a top-level error, as for any unexpected value)
            return cast(R, refused)
        note_mutation_result(type(result).__name__, None)
        return result

    return resolved
