"""Where expected failures of a mutation become its typed error result."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from salonbook.domain.errors import SalonbookError, Unauthenticated
from salonbook.schema.errors import Error, error_type

T = TypeVar("T")


async def attempt(outcome: Awaitable[T]) -> T | Error:
    try:
        return await outcome
    except Unauthenticated:
        raise  # top-level, like every other operation without a token
    except SalonbookError as error:
        return error_type(error)
