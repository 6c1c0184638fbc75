"""Bursts of concurrent bookings of one stylist's slot, with and without the stylist's slots
lock (salonbook/db/slots.py): how many writers PostgreSQL broke out of a deadlock, what other
refusals than "slot taken" (23P01) there were, how many bursts left the slot empty, and how
long a burst took.

    uv run python -m bench.slot_burst [--bursts 60] [--writers 20]

Each burst starts `--writers` transactions at once, each inserting a booking whose hour
overlaps all the others' (two minutes apart), through the application's bookings.create. The
overlap exclusion constraint lets one win; without the lock two writers that each insert
before checking can wait on each other until deadlock_timeout (1 s). That takes a busy machine:
on an idle one the window is narrow and the two columns look alike. The figures are those of
the machine at the time (its load is in the title)."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

from sqlalchemy.ext.asyncio import AsyncEngine

from bench.cli import command_parser, open_salon, titled_report, write_report
from bench.database import Salon
from bench.measure import log
from salonbook.db import bookings, slots
from salonbook.db.engine import (
    DEADLOCK_DETECTED,
    EXCLUSION_VIOLATION,
    create_engine,
    sqlstate,
    unit_of_work,
)

RESULTS = Path(__file__).parent / "results"


async def _no_lock(*_: object) -> None:
    return None


async def burst(engine: AsyncEngine, salon: Salon, start: datetime, writers: int) -> Counter[str]:
    """One burst: what its writers got (booked, or the SQLSTATE they were refused with)."""
    outcomes: Counter[str] = Counter()

    async def write(index: int) -> None:
        begins = start + timedelta(minutes=2 * index)
        try:
            async with unit_of_work(engine) as connection:
                await bookings.create(
                    connection, booking_id=uuid.uuid4(),
                    customer_id=salon.customers[index % len(salon.customers)].id,
                    stylist_id=salon.stylist.id, service_id=salon.service.id, start=begins,
                    end=begins + timedelta(hours=1), price_cents=4500, currency="EUR",
                    now=start - timedelta(days=1),
                )  # fmt: skip
            outcomes["booked"] += 1
        except Exception as error:
            outcomes[sqlstate(error.__cause__ or error) or type(error).__name__] += 1

    await asyncio.gather(*(write(i) for i in range(writers)))
    return outcomes


async def measure(bursts: int, writers: int) -> tuple[str, str]:
    async with contextlib.AsyncExitStack() as stack:
        database, _, salon = await open_salon(stack)
        engine = create_engine(database.url, pool_size=writers)
        stack.push_async_callback(engine.dispose)
        rows = []
        for locked in (False, True):
            log(f"{bursts} bursts of {writers}, slots lock {'on' if locked else 'off'}")
            patch = contextlib.nullcontext() if locked else mock.patch.object(
                slots, "take_slots_of", _no_lock
            )  # fmt: skip
            seconds, totals, empty = [], Counter[str](), 0
            with patch:
                for n in range(bursts):
                    start = salon.first_slot + timedelta(days=30 + n + (bursts if locked else 0))
                    started = time.perf_counter()
                    outcomes = await burst(engine, salon, start, writers)
                    seconds.append(time.perf_counter() - started)
                    totals += outcomes
                    empty += outcomes["booked"] == 0
            cuts = statistics.quantiles(seconds, n=100, method="inclusive")
            others = ", ".join(
                f"{state} {n}"
                for state, n in sorted(totals.items())
                if state not in ("booked", EXCLUSION_VIOLATION, DEADLOCK_DETECTED)
            )
            rows.append(
                f"| {'on' if locked else 'off'} | {totals[DEADLOCK_DETECTED]} | {others or '-'} "
                f"| {empty} "
                f"| {totals['booked']} | {cuts[49] * 1000:.0f} | {cuts[98] * 1000:.0f} "
                f"| {max(seconds) * 1000:.0f} |"
            )
        table = "\n".join(
            [
                "| slots lock | deadlocks (40P01) | other refusals | bursts with no booking "
                "| booked | burst p50 ms | burst p99 ms | slowest burst ms |",
                "|---|---|---|---|---|---|---|---|",
                *rows,
            ]
        )
        return database.where, table


def main(argv: Sequence[str] | None = None) -> int:
    parser = command_parser("python -m bench.slot_burst", __doc__)
    parser.add_argument("--bursts", type=int, default=60)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--output", type=Path, default=RESULTS / "slot_burst.md")
    args = parser.parse_args(argv)
    if args.bursts < 2 or args.writers < 2:
        parser.error("--bursts and --writers take at least 2")
    where, table = asyncio.run(measure(args.bursts, args.writers))
    title = f"{args.bursts} bursts of {args.writers} bookings of one slot"
    write_report(titled_report(title, where, table), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
