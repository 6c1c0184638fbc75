"""Live delivery without a hop per subscriber.

Once a subscriber has caught up, its events need not travel through its own task, generators
and GraphQL execution one by one: the tailer executes each event once per group of subscribers
asking the same thing, encodes it once, and writes it to each member's socket itself
(salonbook/realtime/tailer.py). What it needs of a subscriber is a LiveSink (types.py); a
Writer keeps that subscriber's messages in order without ever making the tailer wait for a slow
socket."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable, Coroutine
from typing import Any

from salonbook.realtime.types import Send


class Writer:
    """One subscriber's live messages, written in order. A socket that takes a message at once
    (the usual case) costs no task and no wake-up; one that cannot gets a task that waits for
    it, and what comes meanwhile waits in a backlog of at most `capacity` messages."""

    def __init__(
        self, send: Send, *, capacity: int, failed: Callable[[BaseException], None]
    ) -> None:
        self._send = send
        self._capacity = capacity
        self._failed = failed
        self._backlog: collections.deque[str] = collections.deque()
        self._task: asyncio.Task[None] | None = None

    def write(self, text: str) -> bool:
        """False when the backlog is full: the subscriber does not keep up. Raises what the
        socket raises when the message could not be written at all."""
        if self._task is not None:
            if len(self._backlog) >= self._capacity:
                return False
            self._backlog.append(text)
            return True
        sending = self._send(text)
        try:
            waiting_for = sending.send(None)
        except StopIteration:
            return True
        self._task = asyncio.ensure_future(self._finish(sending, waiting_for))
        return True

    def stop(self) -> None:
        """Drop the backlog and what waits for the socket (none of it was written)."""
        self._backlog.clear()
        if self._task is not None:
            self._task.cancel()

    async def drained(self) -> None:
        """Until what was handed over has been written (or dropped by stop)."""
        if self._task is not None:
            await asyncio.wait([self._task])

    async def _finish(self, sending: Coroutine[Any, Any, None], waiting_for: Any) -> None:
        try:
            await finish(sending, waiting_for)
            while self._backlog:
                await self._send(self._backlog.popleft())
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the socket went away meanwhile
            self._backlog.clear()
            self._failed(error)
        finally:
            self._task = None


async def finish(coroutine: Coroutine[Any, Any, None], waiting_for: Any) -> None:
    """Run a coroutine that was started by hand, and is suspended on `waiting_for`, to its end,
    as the task that would have started it does."""
    while True:
        if getattr(waiting_for, "_asyncio_future_blocking", False):
            # a future is yielded marked "blocking"; its receiver takes the mark off (as
            # Task.__step does), or awaiting it again is refused
            waiting_for._asyncio_future_blocking = False
        try:
            if waiting_for is None:  # a bare yield: give the loop one turn
                await asyncio.sleep(0)
            else:
                await waiting_for
        except BaseException as error:  # cancelled, or what it waited for failed: tell it
            try:
                waiting_for = coroutine.throw(error)
            except StopIteration:
                return
            continue
        try:
            waiting_for = coroutine.send(None)
        except StopIteration:
            return
