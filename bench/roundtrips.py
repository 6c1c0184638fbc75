"""Round trips to PostgreSQL per transitionBooking: the app in-process, every message it sends
on its pooled asyncpg connections counted (the request's own, and the outbox tailer's read
that each committed change sets off).

    uv run python -m bench.roundtrips [--requests 40]

A round trip is one protocol exchange asyncpg waits for: a simple query (BEGIN, COMMIT,
ROLLBACK, a ping) or an extended-protocol execute of a prepared statement (prepares are counted
too, but a warm connection has them cached)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from bench.database import arrange_salon, bench_database
from bench.workload import NEXT_ACTION, TRANSITION, arrange_chairs
from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.domain.statuses import BookingStatus

_SENT = ("query", "prepare", "bind_execute", "bind_execute_many", "bind", "execute")


class CountingProtocol:
    """Stands in for an asyncpg connection's protocol object and counts what is sent."""

    def __init__(self, inner: Any, counts: Counter[str]) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_counts", counts)

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if name not in _SENT:
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._counts[name] += 1
            return found(*args, **kwargs)

        return counted

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)


@contextmanager
def round_trips(engine: AsyncEngine) -> Iterator[Counter[str]]:
    """What the app sends PostgreSQL on the connections it checks out meanwhile."""
    counts: Counter[str] = Counter()
    pool = engine.sync_engine.pool

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        driver._protocol = CountingProtocol(driver._protocol, counts)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        if isinstance(driver._protocol, CountingProtocol):
            driver._protocol = object.__getattribute__(driver._protocol, "_inner")

    event.listen(pool, "checkout", checkout)
    event.listen(pool, "checkin", checkin)
    try:
        yield counts
    finally:
        event.remove(pool, "checkout", checkout)
        event.remove(pool, "checkin", checkin)


async def count(requests: int) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    async with bench_database(None) as database:
        engine = create_engine(database.url, pool_size=2)
        salon = await arrange_salon(engine)
        (chair,) = await arrange_chairs(engine, salon, 1)
        await engine.dispose()
        app = create_app(Settings(DATABASE_URL=database.url, SALONBOOK_SWEEP_SECONDS=0))  # type: ignore[call-arg]
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            # the request's pool, and the outbox tailer's own (its read after each commit)
            for engine in (runtime.deps.engine, runtime.stream.reserved):

                @event.listens_for(engine.sync_engine.pool, "connect")
                def counting(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
                    driver = dbapi_connection.driver_connection
                    driver._protocol = CountingProtocol(driver._protocol, counts)

                await engine.dispose()  # from here on, counted connections
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
            headers = {"Authorization": f"Bearer {chair.token}"}
            async with httpx.AsyncClient(
                transport=transport, base_url="http://salonbook.bench", headers=headers
            ) as client:
                status = BookingStatus.CONFIRMED
                for n in range(10 + requests):
                    if n == 10:  # warm: connections open, statements prepared
                        counts.clear()
                    variables = {
                        "input": {"bookingId": str(chair.booking_id), "action": NEXT_ACTION[status]}
                    }
                    answer = await client.post(
                        "/graphql", json={"query": TRANSITION, "variables": variables}
                    )
                    result = answer.json()["data"]["transitionBooking"]
                    status = BookingStatus(result["booking"]["status"])
                    await asyncio.sleep(0.05)  # the tailer reads the outbox after the commit
    return counts, requests


def summary(counts: Counter[str], requests: int) -> str:
    each = ", ".join(f"{name} {n / requests:.2f}" for name, n in sorted(counts.items()))
    return f"{sum(counts.values()) / requests:.2f} round trips per transitionBooking ({each})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roundtrips", description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args(argv)
    print(summary(*asyncio.run(count(args.requests))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
