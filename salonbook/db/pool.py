"""A connection pool that hands connections out in the order they were asked for.

SQLAlchemy's asyncio pool keeps idle connections in an asyncio.Queue and takes one without
waiting whenever the queue holds one. A returned connection is put in the queue and the
longest waiter woken, but a request arriving before the woken one runs takes the connection
first, and the woken one goes to the back of the line. Under a load above the pool size some
requests were overtaken again and again, so the slowest waited many times longer than the
median (docs/benchmarks.md has the figures). Here a returned connection goes straight to the
longest waiter; a caller takes an idle one only when nobody is waiting."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty


async def _handed_over(
    waiter: asyncio.Future[ConnectionPoolEntry], within: float | None
) -> ConnectionPoolEntry:
    """The connection handed to `waiter`; TimeoutError (the waiter cancelled) when none came
    `within` seconds. One timer, where `asyncio.wait_for(asyncio.shield(...))` made a task and
    two futures more for every wait. A cancelled caller cancels the waiter too."""
    timed_out = False

    def expire() -> None:
        nonlocal timed_out
        if not waiter.done():
            timed_out = True
            waiter.cancel()

    timer = None if within is None else asyncio.get_running_loop().call_later(within, expire)
    try:
        return await waiter
    except asyncio.CancelledError:
        if timed_out:
            raise TimeoutError from None
        raise
    finally:
        if timer is not None:
            timer.cancel()


class FirstComeQueue(AsyncAdaptedQueue[ConnectionPoolEntry]):
    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiters: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a waiter that gave up (timed out, cancelled) is skipped
                waiter.set_result(item)
                return
        super().put_nowait(item)

    def put(
        self, item: ConnectionPoolEntry, block: bool = True, timeout: float | None = None
    ) -> None:
        self.put_nowait(item)  # never full: the pool puts back only what it handed out

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        while self._waiters and self._waiters[0].done():
            self._waiters.popleft()
        if not self._waiters:
            try:
                return self.get_nowait()
            except Empty:
                if not block:
                    raise
        elif not block:
            raise Empty()  # the pool may open a new connection instead of overtaking
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await_(_handed_over(waiter, timeout))
        except TimeoutError:  # the waiter was cancelled before anything was handed to it
            raise Empty() from None
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over to a caller gone meanwhile
            else:
                waiter.cancel()
            raise


class FirstComePool(AsyncAdaptedQueuePool):
    _queue_class: Any = FirstComeQueue
    # log under SQLAlchemy's own pool logger, quiet like the rest of "sqlalchemy"
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"
