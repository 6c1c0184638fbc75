"""`availability` over HTTP with 1,000,000 bookings in the table: one stylist's 7 days, and
every stylist's (50) one day, each p99 ≤ 25 ms (issue #14).

    uv run python -m bench.availability [--bookings 1000000] [--requests 300] [--smoke]
        [--explain]

A salon of 50 stylists carries the bookings (bench/fill.py, 20,000 each: 8 a day from 09:00
UTC, three quarters of the days past), with working time as a salon sets it: Europe/Berlin,
a 15-minute grid, opening hours Monday to Saturday 08:00-20:00, each stylist's hours (a
split shift on weekdays, Saturday mornings), a day of time off every other week per stylist
and a closure on the first of each month; the service asked for takes 45 minutes plus a
10-minute buffer. One client, one request at a time, as a customer; each request a different
stylist (7 days) or a different day (every stylist), from tomorrow on. DATABASE_URL set: a
throwaway database on that server, else an embedded PostgreSQL. Writes
bench/results/availability.md (availability-smoke.md for --smoke)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bench.cli import command_parser, open_database, titled_report, write_report
from bench.database import BenchDatabase
from bench.fill import fill
from bench.http1 import KeepAliveClient
from bench.measure import log
from bench.report import percentile
from bench.server import Server, run_server
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.domain.roles import Role

RESULTS = Path(__file__).parent / "results"
STYLISTS = 50
QUERY = """
query Free($serviceId: ID!, $from: DateTime!, $to: DateTime!, $stylistId: ID) {
  availability(serviceId: $serviceId, from: $from, to: $to, stylistId: $stylistId) {
    stylistId slots { start localDate localStart }
  }
}
"""
_OPENING = {day: [["08:00", "20:00"]] for day in
            ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")}  # fmt: skip
_HOURS = {
    **{day: [["09:00", "13:00"], ["14:00", "19:00"]]
       for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")},
    "SATURDAY": [["09:00", "14:00"]],
}  # fmt: skip
_ARRANGE = [
    "UPDATE salon_settings SET time_zone = 'Europe/Berlin', slot_minutes = 15,"
    " opening_hours = $1::jsonb WHERE id = 1",
    """INSERT INTO stylist_schedules (stylist_id, working_hours, updated_at)
       SELECT id, $1::jsonb, now() FROM people WHERE display_name LIKE 'Fill stylist %'""",
    # a day off every other week, on a weekday that differs by stylist, for a year either way
    """INSERT INTO time_off (id, stylist_id, start_time, end_time, reason, created_by, created_at)
       SELECT gen_random_uuid(), p.id, d, d + interval '1 day', 'bench', p.id, now()
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM people
             WHERE display_name LIKE 'Fill stylist %') p,
            generate_series(date_trunc('week', now()) - interval '52 weeks',
                            now() + interval '52 weeks', interval '2 weeks') AS w,
            LATERAL (SELECT w + (p.n % 5) * interval '1 day' AS d) day""",
    """INSERT INTO closures (id, start_time, end_time, reason, created_by, created_at)
       SELECT gen_random_uuid(), m, m + interval '1 day', 'bench',
              (SELECT id FROM people WHERE display_name LIKE 'Fill stylist %' LIMIT 1), now()
       FROM generate_series(date_trunc('month', now()) - interval '12 months',
                            now() + interval '12 months', interval '1 month') AS m""",
    """INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,
                             buffer_minutes, created_at, updated_at)
       VALUES ($1, 'Bench colour', 45, 6000, 'EUR', true, 10, now(), now())""",
]


@dataclass(frozen=True)
class Salon:
    stylists: list[uuid.UUID]
    service_id: uuid.UUID
    token: str
    bookings: int
    fill_seconds: float


@dataclass(frozen=True)
class AvailabilityRun:
    case: str
    bookings: int
    requests: int
    p50: float
    p99: float
    slowest: float
    slots: float
    """Slots per answer, on average (over every stylist in it)."""
    errors: int
    server_cpu: float
    """The server process's CPU seconds per measured request."""


async def fill_salon(database: BenchDatabase, bookings: int) -> Salon:
    """The table filled over STYLISTS stylists, and their working time arranged."""
    started = time.perf_counter()
    connection = await asyncpg.connect(database.dsn)
    service_id = uuid.uuid4()
    try:
        await fill(connection, bookings, log=log, stylists=STYLISTS)
        arguments = [[json.dumps(_OPENING)], [json.dumps(_HOURS)], [], [], [service_id]]
        for statement, given in zip(_ARRANGE, arguments, strict=True):
            await connection.execute(statement, *given)
        await connection.execute("VACUUM (ANALYZE) time_off, closures, stylist_schedules")
        total = await connection.fetchval("SELECT count(*) FROM bookings")
        stylists = await connection.fetch(
            "SELECT id FROM people WHERE display_name LIKE 'Fill stylist %' ORDER BY id"
        )
        customer = await connection.fetchval(
            "SELECT id FROM people WHERE display_name LIKE 'Fill customer %' LIMIT 1"
        )
    finally:
        await connection.close()
    token = mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=customer, role=Role.CUSTOMER)
    return Salon(
        stylists=[row["id"] for row in stylists],
        service_id=service_id,
        token=token,
        bookings=int(total),
        fill_seconds=time.perf_counter() - started,
    )


def _tomorrow() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def _variables(salon: Salon, case: str, n: int) -> dict[str, Any]:
    base = {"serviceId": str(salon.service_id)}
    if case == "week":  # one stylist, 7 days, a different stylist each request
        start = _tomorrow()
        stylist = str(salon.stylists[n % len(salon.stylists)])
        return base | {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat(),
                       "stylistId": stylist}  # fmt: skip
    start = _tomorrow() + timedelta(days=n % 7)  # every stylist, one day, a different day
    return base | {"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()}


async def measure_case(
    server: Server, salon: Salon, case: str, *, requests: int, warmup: int
) -> AvailabilityRun:
    latencies: list[float] = []
    slots: list[int] = []
    errors: list[str] = []
    client = KeepAliveClient(f"http://{server.host}:{server.port}")
    headers = {"Authorization": f"Bearer {salon.token}"}
    cpu_at_start = 0.0
    try:
        for n in range(warmup + requests):
            if n == warmup:
                cpu_at_start = server.cpu_seconds()
            body = {"query": QUERY, "variables": _variables(salon, case, n)}
            started = time.perf_counter()
            response = await client.post_json("/graphql", body, headers=headers)
            took = time.perf_counter() - started
            answer = response.json()
            if response.status != 200 or "errors" in answer:
                errors.append(f"{response.status}: {str(answer)[:300]}")
                continue
            if n >= warmup:
                latencies.append(took)
                slots.append(sum(len(entry["slots"]) for entry in answer["data"]["availability"]))
        cpu = server.cpu_seconds() - cpu_at_start
    finally:
        await client.close()
    for error in errors[:5]:
        log(f"  error: {error}")
    ordered = sorted(latencies)
    return AvailabilityRun(
        case=case,
        bookings=salon.bookings,
        requests=len(ordered),
        p50=percentile(ordered, 0.50),
        p99=percentile(ordered, 0.99),
        slowest=ordered[-1] if ordered else float("nan"),
        slots=sum(slots) / len(slots) if slots else 0.0,
        errors=len(errors),
        server_cpu=cpu / len(ordered) if ordered else float("nan"),
    )


CASES = {"week": "one stylist, 7 days", "day": f"every stylist ({STYLISTS}), 1 day"}


def availability_table(runs: Sequence[AvailabilityRun]) -> str:
    lines = [
        "| availability | bookings in table | requests | slots per answer | p50 ms | p99 ms "
        "| max ms | server CPU ms per request | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {CASES[run.case]} | {run.bookings:,} | {run.requests} | {run.slots:.0f} "
            f"| {run.p50 * 1000:.1f} | {run.p99 * 1000:.1f} | {run.slowest * 1000:.1f} "
            f"| {run.server_cpu * 1000:.2f} | {run.errors} |"
        )
    return "\n".join(lines)


async def measure_availability(
    stack: contextlib.AsyncExitStack, *, bookings: int, requests: int, warmup: int,
    explain: bool = False,
) -> tuple[list[AvailabilityRun], float]:  # fmt: skip
    """A database of its own, filled and arranged, a server on it, both cases measured; and
    the seconds the fill took."""
    database = await open_database(stack)
    log(f"filling {bookings:,} bookings over {STYLISTS} stylists ({database.where})")
    salon = await fill_salon(database, bookings)
    log(f"  {salon.bookings:,} bookings in {salon.fill_seconds:.0f}s")
    if explain:
        print(await explain_availability(database.dsn, salon))
    server = await stack.enter_async_context(run_server(database.url))
    runs = []
    for case in CASES:
        run = await measure_case(server, salon, case, requests=requests, warmup=warmup)
        log(f"  {CASES[case]}: p50 {run.p50 * 1000:.1f} ms, p99 {run.p99 * 1000:.1f} ms")
        runs.append(run)
    return runs, salon.fill_seconds


async def explain_availability(dsn: str, salon: Salon) -> str:
    """EXPLAIN ANALYZE of the one statement behind a 50-stylist day."""
    from salonbook.db.availability import _AVAILABILITY  # the statement itself, not a copy

    start = _tomorrow()
    connection = await asyncpg.connect(dsn)
    try:
        plan = await connection.fetch(
            "EXPLAIN (ANALYZE, BUFFERS) " + _AVAILABILITY,
            salon.service_id, None, start, start + timedelta(days=1), 200,
        )  # fmt: skip
    finally:
        await connection.close()
    return "\n".join(row[0] for row in plan)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.availability", __doc__)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per case")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="2,000 bookings, 20 requests")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the statement")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.smoke:
        args.bookings, args.requests, args.warmup = 2_000, 20, 5
    if args.output is None:
        args.output = RESULTS / ("availability-smoke.md" if args.smoke else "availability.md")
    return args


async def run(args: argparse.Namespace) -> None:
    async with contextlib.AsyncExitStack() as stack:
        load = os.getloadavg()
        runs, _ = await measure_availability(
            stack, bookings=args.bookings, requests=args.requests, warmup=args.warmup,
            explain=args.explain,
        )  # fmt: skip
        where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
    table = (
        f"Load average (1/5/15) at the start {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}."
        f"\n\n{availability_table(runs)}"
    )
    write_report(titled_report("Availability benchmark", where, table), args.output)


def main(argv: Sequence[str] | None = None) -> int:
    asyncio.run(run(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
