"""Where expected failures of a mutation become its typed error result."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from salonbook.domain.errors import SalonbookError, Unauthenticated
from salonbook.observability.operations import note_mutation_result
from salonbook.schema.errors import Error, error_type

T = TypeVar("T")


async def attempt(outcome: Awaitable[T]) -> T | Error:
    try:
        result = await outcome
    except Unauthenticated:
        raise  # top-level, like every other operation without a token
    except SalonbookError as error:
        refused = error_type(error)
        note_mutation_result(type(refused).__name__, refused.code.value)
        return refused
    note_mutation_result(type(result).__name__, None)
    return result
