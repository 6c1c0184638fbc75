"""Reconnect storm: N graphql-ws clients connecting at once, as every open dashboard does after
a deploy, each resuming its feed from a page's `eventsCursor`.

    uv run python -m bench.storm [--clients 5000] [--people each|same] [--deadline 900]
                                 [--pool-size 10] [--output FILE]

Each client connects, sends connection_init, subscribes to `bookingEvents(after: cursor)` and
counts as subscribed when the replay brings it the marker change committed right after the
cursor was taken. A client closed with 1013 (try again later), or whose connection failed,
retries as the dashboard does (web/dashboard/src/live.ts: exponential pauses with full jitter,
up to 15 s), from the same cursor, for up to --deadline seconds. Meanwhile the bench
commits one status change every 0.5 s: an observer subscribed before the storm measures the
tailer's commit-to-delivery lag through it, and /readyz is polled every 0.25 s. At the end a
last change is committed and every client must receive it; every client's events must be
exactly the changes committed since the cursor, in order. `--people each`: every client is a
different admin (a role cache miss each); `same`: all use one admin's token. The server's log
is scanned for tracebacks. Results go to bench/results/storm.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.cli import command_parser, open_salon, write_report
from bench.database import Committer, arrange_bookings
from bench.measure import log
from bench.realtime import raise_open_file_limit
from bench.report import percentile
from bench.server import Server, run_server
from bench.wsclient import HandshakeFailed, Subscriber, open_subscriber
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.db import people
from salonbook.db.engine import unit_of_work
from salonbook.domain.roles import Role

RESULTS = Path(__file__).parent / "results"
EVENTS = """
subscription($after: String) { bookingEvents(after: $after) { cursor kind bookingId } }
"""
CURSOR = "{ bookings(first: 1) { eventsCursor } }"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.storm", __doc__)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--people", choices=("each", "same"), default="each")
    parser.add_argument(
        "--deadline", type=float, default=900.0, help="seconds a client keeps retrying, at most"
    )
    parser.add_argument("--pool-size", type=int, default=10, help="SALONBOOK_DB_POOL_SIZE")
    parser.add_argument("--within", type=float, default=120.0, help="seconds per attempt")
    parser.add_argument("--output", type=Path, default=RESULTS / "storm.md")
    return parser.parse_args(argv)


def retried(outcome: str) -> bool:
    """Whether the dashboard tries again: after anything but success or a refused token."""
    return outcome not in ("subscribed", "closed 4403")


class Client:
    """One dashboard: its attempts' outcomes and the booking ids of the events it received."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.outcomes: list[str] = []
        self.subscriber: Subscriber | None = None
        self.subscribed_at: float | None = None

    @property
    def received(self) -> list[str]:
        return [r.booking_id for r in self.subscriber.received if r.booking_id] if (
            self.subscriber) else []  # fmt: skip

    async def run(
        self, server: Server, *, cursor: str, marker: str, args: argparse.Namespace
    ) -> None:
        """Attempts until subscribed or told something else than 1013; between them the
        dashboard's pause (web/dashboard/src/live.ts): 0.25 s + up to min(2^n, 15) s."""
        deadline = time.perf_counter() + args.deadline
        while time.perf_counter() < deadline:
            outcome = await self._attempt(server, cursor=cursor, marker=marker, within=args.within)
            self.outcomes.append(outcome)
            if not retried(outcome):
                return
            ceiling = min(2.0 ** len(self.outcomes), 15.0)
            await asyncio.sleep(0.25 + random.uniform(0, ceiling))

    async def _attempt(self, server: Server, *, cursor: str, marker: str, within: float) -> str:
        try:
            subscriber = await open_subscriber(
                server.host, server.port, f"Bearer {self.token}", within=within
            )
        except HandshakeFailed as failed:
            return str(failed)
        except (OSError, TimeoutError) as error:
            return f"connect: {type(error).__name__}"
        subscriber.subscribe(EVENTS, {"after": cursor})
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            if any(r.booking_id == marker for r in subscriber.received):
                self.subscriber, self.subscribed_at = subscriber, time.perf_counter()
                return "subscribed"
            if subscriber.lost.done():
                return subscriber.lost.result()
            await asyncio.sleep(0.05)
        subscriber.abort()
        return "no replay in time"


async def poll_readiness(
    server: Server, found: list[tuple[int, float]], stop: asyncio.Event
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = (await http.get(f"http://{server.host}:{server.port}/readyz")).status_code
            except httpx.HTTPError:
                status = 0
            found.append((status, time.perf_counter() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.25)


async def admins(engine: object, count: int) -> list[uuid.UUID]:
    now = datetime.now(UTC)
    made = []
    async with unit_of_work(engine) as connection:  # type: ignore[arg-type]
        for n in range(count):
            person = await people.upsert(
                connection, person_id=uuid.uuid4(), role=Role.ADMIN,
                display_name=f"Storm Admin {n}", email=None, phone=None, now=now,
            )  # fmt: skip
            made.append(person.id)
    return made


async def storm(args: argparse.Namespace) -> str:
    raise_open_file_limit(2 * args.clients + 1024)
    os.environ["SALONBOOK_DB_POOL_SIZE"] = str(args.pool_size)
    async with contextlib.AsyncExitStack() as stack:
        database, engine, salon = await open_salon(stack)
        ids = await admins(engine, args.clients) if args.people == "each" else [salon.admin.id]
        tokens = [mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=i, role=Role.ADMIN) for i in ids]
        changes = await arrange_bookings(engine, salon, 1000)
        committer = await stack.enter_async_context(
            Committer(database.dsn, system_id=salon.system.id)
        )
        server = await stack.enter_async_context(run_server(database.url))
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(
                f"http://{server.host}:{server.port}/graphql", json={"query": CURSOR},
                headers={"Authorization": f"Bearer {tokens[0]}"},
            )  # fmt: skip
        cursor = answer.json()["data"]["bookings"]["eventsCursor"]
        observer = await open_subscriber(server.host, server.port, f"Bearer {tokens[0]}", within=10)
        observer.subscribe(EVENTS, {})
        await asyncio.sleep(1.0)
        (marker,) = await committer.confirm(changes[:1], spacing=0)
        clients = [Client(tokens[n % len(tokens)]) for n in range(args.clients)]
        log(f"{args.clients:,} clients ({args.people} person each) at once; pool {args.pool_size}")
        ready: list[tuple[int, float]] = []
        stop = asyncio.Event()
        prober = asyncio.create_task(poll_readiness(server, ready, stop))
        started = time.perf_counter()
        runs = asyncio.gather(*(
            c.run(server, cursor=cursor, marker=marker.booking_id, args=args) for c in clients
        ))  # fmt: skip
        commits = []
        for n, booking in enumerate(changes[1:-1]):
            if runs.done():
                break
            commits += await committer.confirm([booking], spacing=0)
            await asyncio.sleep(0.5)
            if n % 20 == 19:
                done = sum(1 for c in clients if c.subscriber is not None)
                log(f"  {done:,} subscribed after {time.perf_counter() - started:.0f} s")
        await runs
        elapsed = time.perf_counter() - started
        stop.set()
        await prober
        (last,) = await committer.confirm(changes[-1:], spacing=0)
        expected = [marker.booking_id] + [c.booking_id for c in commits] + [last.booking_id]
        await asyncio.sleep(5.0)
        arrivals = {r.booking_id: r.at for r in observer.received if r.booking_id}
        lags = sorted(arrivals[c.booking_id] - c.at for c in commits if c.booking_id in arrivals)
        traces = server.log.read_text(errors="replace").count("Traceback")
        for client in clients:
            if client.subscriber is not None:
                client.subscriber.close()
        observer.close()
        return report(args, clients, expected, lags, ready, traces, elapsed, len(commits))


def report(
    args: argparse.Namespace, clients: Sequence[Client], expected: Sequence[str],
    lags: Sequence[float], ready: Sequence[tuple[int, float]], traces: int, elapsed: float,
    commits: int,
) -> str:  # fmt: skip
    outcomes = Counter(o for c in clients for o in c.outcomes)
    finals = Counter(c.outcomes[-1] for c in clients)
    retried = sum(1 for c in clients if len(c.outcomes) > 1)
    complete = sum(1 for c in clients if c.received == list(expected))
    statuses = Counter(status for status, _ in ready)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        f"# Reconnect storm ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"{args.clients:,} graphql-ws clients at once, {args.people} person each "
        f"({'a different admin per client' if args.people == 'each' else 'one admin token'}), "
        f"one uvicorn process, SALONBOOK_DB_POOL_SIZE={args.pool_size}; {os.cpu_count()} CPUs, "
        f"load average at the end {load} (a shared machine).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| subscribed in the end | {finals['subscribed']:,} of {len(clients):,} |",
        f"| clients that retried (after a 1013 or a failed connection) | {retried:,} |",
        f"| every event since the cursor, once, in order ({len(expected)} changes) | "
        f"{complete:,} |",
        f"| all subscribed after | {elapsed:.1f} s |",
        f"| attempts' outcomes | {', '.join(f'{k}: {v:,}' for k, v in outcomes.most_common())} |",
        f"| tracebacks in the server's log | {traces} |",
        f"| commit-to-delivery during the storm (observer, {commits} changes) p50 / p99 / max | "
        f"{_ms(percentile(lags, 0.5))} / {_ms(percentile(lags, 0.99))} / {_ms(max(lags, default=0))} |",  # noqa: E501
        f"| changes the observer missed | {commits - len(lags)} |",
        f"| /readyz answers | {', '.join(f'{k}: {v}' for k, v in statuses.most_common())}; "
        f"slowest {max((t for _, t in ready), default=0) * 1000:.0f} ms |",
        "",
    ]
    return "\n".join(rows)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    text = asyncio.run(storm(args))
    write_report(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
