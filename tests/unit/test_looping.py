"""unless_stopping: a failed round of a background loop is a cancellation only when the loop's
task was asked to stop (the outbox tailer, its purge and the listener use it like the sweeper,
tested end to end in tests/integration/use_cases/test_sweeper_stops.py)."""

from __future__ import annotations

import asyncio

import pytest

from salonbook.background_loops import unless_stopping


async def rounds(hidden: asyncio.Event, failures: list[str]) -> None:
    """A loop whose round turns its cancellation into a RuntimeError, like a careless library."""
    while True:
        try:
            try:
                hidden.set()
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                raise RuntimeError("connection closed") from None
        except RuntimeError as error:
            unless_stopping(error)
            failures.append(str(error))


async def test_a_failure_while_stopping_leaves_as_the_cancellation() -> None:
    hidden, failures = asyncio.Event(), list[str]()
    loop = asyncio.create_task(rounds(hidden, failures))
    await hidden.wait()
    loop.cancel()
    done, _ = await asyncio.wait({loop}, timeout=5)

    assert done == {loop} and loop.cancelled()
    with pytest.raises(asyncio.CancelledError):
        loop.result()
    assert failures == []


async def test_a_failure_of_a_running_loop_is_only_a_failure() -> None:
    async def failing_round() -> str:
        try:
            raise RuntimeError("the database is away")
        except RuntimeError as error:
            unless_stopping(error)
            return "went on"

    assert await asyncio.create_task(failing_round()) == "went on"
