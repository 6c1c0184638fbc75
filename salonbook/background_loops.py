"""Background loops log a failed round and go on, except when their task is being stopped."""

from __future__ import annotations

import asyncio


def unless_stopping(error: Exception) -> None:
    """Call where a loop catches a failed round: when the task was asked to stop, the failure
    leaves as the cancellation it hides. A library that turns a CancelledError into another
    error on its way out (asyncpg's transaction exit did, on a connection SQLAlchemy had closed)
    would otherwise keep a stopping loop running, and shutdown waiting for it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError from error
