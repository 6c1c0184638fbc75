"""The stylist's dashboard query over HTTP with 1,000,000 bookings in the table: `bookings`,
50 per page, one stylist's week, with customer, stylist, service and statusHistory.

    uv run python -m bench.dashboard [--bookings 1000000] [--requests 300] [--smoke]

One client, one request at a time; each request is a different stylist's current week (Monday
00:00 UTC, 7 days), as that stylist. DATABASE_URL set: a throwaway database on that server,
else an embedded PostgreSQL (see bench/fill.py for how the table is filled). Writes
bench/results/dashboard.md (dashboard-smoke.md for --smoke)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from bench.cli import command_parser, open_database, titled_report, write_report
from bench.database import BenchDatabase
from bench.explain import explain_week
from bench.fill import fill
from bench.http1 import KeepAliveClient
from bench.measure import log
from bench.report import percentile
from bench.server import Server, run_server
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.domain.roles import Role

RESULTS = Path(__file__).parent / "results"
STYLISTS_ASKING = 50
WEEK = """
query Week($stylistId: ID!, $from: DateTime!, $to: DateTime!) {
  bookings(first: 50, filter: {stylistId: $stylistId, startsAfter: $from, startsBefore: $to}) {
    edges {
      cursor
      node {
        id status startTime endTime version
        customer { id displayName }
        stylist { id displayName }
        service { id name durationMinutes priceCents }
        statusHistory { id action fromStatus toStatus actorRole createdAt }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@dataclass(frozen=True)
class Desk:
    """A stylist who looks at their week, and their token."""

    stylist_id: uuid.UUID
    token: str


@dataclass(frozen=True)
class DashboardRun:
    bookings: int
    requests: int
    p50: float
    p99: float
    slowest: float
    per_page: float
    """Bookings per answered page, on average (50 when the week is full)."""
    errors: int
    fill_seconds: float
    server_cpu: float = float("nan")
    """The server process's CPU seconds per measured request."""


async def fill_desks(database: BenchDatabase, bookings: int) -> tuple[list[Desk], int, float]:
    """Fill the table; the stylists who will ask, the bookings in the table, seconds taken."""
    started = time.perf_counter()
    connection = await asyncpg.connect(database.dsn)
    try:
        await fill(connection, bookings, log=log)
        total = await connection.fetchval("SELECT count(*) FROM bookings")
        ids = await connection.fetch(
            "SELECT id FROM people WHERE display_name LIKE 'Fill stylist %' ORDER BY id LIMIT $1",
            STYLISTS_ASKING,
        )
    finally:
        await connection.close()
    desks = [
        Desk(row["id"], mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=row["id"], role=Role.STYLIST))
        for row in ids
    ]
    return desks, int(total), time.perf_counter() - started


def this_week(now: datetime) -> tuple[datetime, datetime]:
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0,
                                                           microsecond=0)  # fmt: skip
    return monday, monday + timedelta(days=7)


async def measure_dashboard(
    server: Server, desks: Sequence[Desk], *, requests: int, warmup: int, bookings: int,
    fill_seconds: float = 0.0, query: str = WEEK, field: str = "bookings",
) -> DashboardRun:  # fmt: skip
    """`query` (variables stylistId, from, to) as each desk's stylist in turn; `field` is where
    the answer's page is (`edges`): another server's week (the PostGraphile peer's) too."""
    start, end = this_week(datetime.now(UTC))
    week = {"from": start.isoformat(), "to": end.isoformat()}
    latencies: list[float] = []
    sizes: list[int] = []
    errors: list[str] = []
    base = f"http://{server.host}:{server.port}"
    client = KeepAliveClient(base)
    cpu_at_start = 0.0
    try:
        for n in range(warmup + requests):
            if n == warmup:
                cpu_at_start = server.cpu_seconds()
            desk = desks[n % len(desks)]
            body = {"query": query, "variables": {"stylistId": str(desk.stylist_id), **week}}
            headers = {"Authorization": f"Bearer {desk.token}"}
            started = time.perf_counter()
            response = await client.post_json("/graphql", body, headers=headers)
            took = time.perf_counter() - started
            answer = response.json()
            if response.status != 200 or "errors" in answer:
                errors.append(f"{response.status}: {str(answer)[:300]}")
                continue
            if n >= warmup:
                latencies.append(took)
                sizes.append(len(answer["data"][field]["edges"]))
        cpu = server.cpu_seconds() - cpu_at_start
    finally:
        await client.close()
    for error in errors[:5]:
        log(f"  error: {error}")
    ordered = sorted(latencies)
    return DashboardRun(
        bookings=bookings,
        requests=len(ordered),
        p50=percentile(ordered, 0.50),
        p99=percentile(ordered, 0.99),
        slowest=ordered[-1] if ordered else float("nan"),
        per_page=sum(sizes) / len(sizes) if sizes else 0.0,
        errors=len(errors),
        fill_seconds=fill_seconds,
        server_cpu=cpu / len(ordered) if ordered else float("nan"),
    )


def dashboard_table(run: DashboardRun) -> str:
    return "\n".join([
        "| bookings in table | requests | bookings per page | p50 ms | p99 ms | max ms "
        "| server CPU ms per request | errors | fill s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {run.bookings:,} | {run.requests} | {run.per_page:.1f} | {run.p50 * 1000:.1f} "
        f"| {run.p99 * 1000:.1f} | {run.slowest * 1000:.1f} | {run.server_cpu * 1000:.2f} "
        f"| {run.errors} "
        f"| {run.fill_seconds:.0f} |",
    ])  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.dashboard", __doc__)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="measured requests")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure this many times on the one filled table"
    )
    parser.add_argument("--smoke", action="store_true", help="2,000 bookings, 20 requests")
    parser.add_argument(
        "--explain", action="store_true", help="also EXPLAIN ANALYZE the statements behind it"
    )
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.smoke:
        args.bookings, args.requests, args.warmup = 2_000, 20, 5
    if args.output is None:
        args.output = RESULTS / ("dashboard-smoke.md" if args.smoke else "dashboard.md")
    return args


async def run(args: argparse.Namespace) -> None:
    async with contextlib.AsyncExitStack() as stack:
        database = await open_database(stack)
        log(f"filling {args.bookings:,} bookings ({database.where})")
        desks, total, seconds = await fill_desks(database, args.bookings)
        log(f"  filled in {seconds:.0f}s")
        if args.explain:
            start, end = this_week(datetime.now(UTC))
            print(await explain_week(database.dsn, stylist_id=desks[0].stylist_id, start=start,
                                     end=end))  # fmt: skip
        server = await stack.enter_async_context(run_server(database.url))
        tables = []
        for round_ in range(args.rounds):
            load = os.getloadavg()[0]
            result = await measure_dashboard(
                server, desks, requests=args.requests, warmup=args.warmup, bookings=total,
                fill_seconds=seconds,
            )  # fmt: skip
            tables.append(f"Round {round_ + 1}, load {load:.2f}:\n\n{dashboard_table(result)}")
    write_report(titled_report("Dashboard benchmark", database.where, "\n\n".join(tables)),
                 args.output)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    asyncio.run(run(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
