"""Calls run concurrently, started a little apart, to make races happen."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

T = TypeVar("T")


async def together(calls: Sequence[Awaitable[T]], *, stagger: float) -> list[T]:
    """Run the calls concurrently, the i-th starting i * stagger seconds in."""

    async def delayed(index: int, call: Awaitable[T]) -> T:
        await asyncio.sleep(index * stagger)
        return await call

    return await asyncio.gather(*(delayed(i, call) for i, call in enumerate(calls)))
