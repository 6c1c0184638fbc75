"""Background loops log a failed round and go on, except when their task is being stopped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable


def unless_stopping(error: Exception) -> None:
    """Call where a loop catches a failed round: when the task was asked to stop, the failure
    leaves as the cancellation it hides. A library that turns a CancelledError into another
    error on its way out (asyncpg's transaction exit did, on a connection SQLAlchemy had closed)
    would otherwise keep a stopping loop running, and shutdown waiting for it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from error


async def repeat(
    one_round: Callable[[], Awaitable[None]], *, every: float, log: logging.Logger, failure: str
) -> None:
    """Run a round every `every` seconds until cancelled; a failed round is logged (`failure`)
    and the next one runs as planned."""
    while True:
        try:
            await one_round()
        except Exception as error:
            unless_stopping(error)
            log.warning(failure, exc_info=True)
        await asyncio.sleep(every)
