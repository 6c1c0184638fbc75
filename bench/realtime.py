"""Realtime benchmark: commit-to-delivery latency of bookingEvents, and server memory per idle
subscriber, for 100, 1,000 and 5,000 websocket subscribers of one server process.

    uv run python -m bench.realtime [--subscribers 100,1000,5000] [--events 200] [--smoke]
                                    [--ws websockets-sansio|websockets|wsproto]

DATABASE_URL set: a throwaway database on that server (dropped at the end); else an embedded
PostgreSQL. Each subscriber count gets a fresh server process (`--one-server` keeps one for
all): a process that served a bigger load keeps its freed memory, and the next count's
subscribers would fill it without growing the RSS. The bench commits the measured changes
itself, in raw SQL through change_booking_status(); the bench process does not collect garbage
while the measured events arrive (its pauses would count as latency). Results go to
bench/results/realtime.md (realtime-smoke.md for --smoke); the exit status is 1 if any delivery
went missing, came twice, out of order or wrong."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.cli import command_parser, counts, open_salon, write_report
from bench.database import (
    BenchDatabase,
    Committer,
    arrange_bookings,
)
from bench.measure import MAX_WARMUPS, Plan, log, measure
from bench.report import MIB, Row, details_table, results_table
from bench.server import Server, run_server
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET

RESULTS = Path(__file__).parent / "results"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.realtime", __doc__)
    parser.add_argument(
        "--subscribers",
        type=counts,
        default=[100, 1000, 5000],
        help="comma-separated subscriber counts (default 100,1000,5000)",
    )
    parser.add_argument("--events", type=int, default=200, help="measured commits per count")
    parser.add_argument(
        "--spacing-ms",
        type=float,
        default=20.0,
        help="at least this long from one commit returning to the next",
    )
    parser.add_argument(
        "--pace",
        choices=("delivered", "fixed"),
        default="delivered",
        help="delivered (default): also wait until the previous event reached "
        "every subscriber, so latency is measured without a backlog; fixed: "
        "commit on the spacing alone, whatever the server's backlog",
    )
    parser.add_argument("--batch", type=int, default=250, help="handshakes at a time")
    parser.add_argument(
        "--stall",
        type=float,
        default=60.0,
        help="give up waiting for deliveries after this many seconds without one",
    )
    parser.add_argument(
        "--one-server",
        action="store_true",
        help="one server process for all counts (memory figures then skewed)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a seconds-long run (20 subscribers, 20 events) proving it still runs",
    )
    parser.add_argument(
        "--ws",
        choices=("websockets-sansio", "websockets", "wsproto"),
        default=None,
        help="uvicorn's websocket implementation (default: uvicorn's choice, websockets-sansio; "
        "wsproto needs it installed: uv run --with wsproto ...)",
    )
    parser.add_argument("--output", type=Path, default=None, help="markdown file to write")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="record the server with py-spy while the measured events are "
        "delivered, one raw flamegraph file per count in DIR (needs py-spy on "
        "PATH: uv run --with py-spy python -m bench.realtime --profile DIR)",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.smoke:
        args.subscribers, args.events = [20], 20
    if args.profile is not None and shutil.which("py-spy") is None:
        parser.error("--profile needs py-spy on PATH (uv run --with py-spy ...)")
    if args.output is None:
        args.output = RESULTS / ("realtime-smoke.md" if args.smoke else "realtime.md")
    return args


def raise_open_file_limit(needed: int) -> None:
    """The server process inherits the limit too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        with contextlib.suppress(ValueError, OSError):  # only root may raise the hard limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return
        raise SystemExit(f"the open-file limit is {hard}; {needed} needed (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def report(args: argparse.Namespace, rows: Sequence[Row], where: str) -> str:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    pace = (
        f"at least {args.spacing_ms:g} ms after the previous commit returned and after the "
        "previous event reached every subscriber"
        if args.pace == "delivered"
        else f"{args.spacing_ms:g} ms after the previous commit returned (fixed pace)"
    )
    servers = (
        "one server process for all counts"
        if args.one_server
        else ("a fresh server process per subscriber count")
    )
    return "\n".join([
        f"# Realtime benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"uvicorn (ws {args.ws or 'websockets-sansio'}), log level warning, {servers}; "
        f"{where}; {machine}; Python "
        f"{platform.python_version()}. Each measured event is a PENDING → CONFIRMED commit "
        f"through change_booking_status(), {pace}. Subscribers (half the stylist, half an "
        "admin) select `cursor kind bookingId booking { id status version }` with "
        "`filter: {stylistId}`. Latency = time the bench received the message - time COMMIT "
        "returned, over all (event, subscriber) pairs. KiB/idle subscriber = (server RSS with "
        "N idle subscriptions - RSS before opening them) / N.",
        "",
        results_table(rows),
        "",
        details_table(rows),
        "",
    ])  # fmt: skip


async def measure_counts(args: argparse.Namespace) -> tuple[list[Row], str]:
    """One row per subscriber count, and where the database lived."""
    raise_open_file_limit(2 * max(args.subscribers) + 1024)
    sys.setswitchinterval(0.001)  # the committer thread stamps its commits without delay
    rows: list[Row] = []
    async with contextlib.AsyncExitStack() as stack:
        database, engine, salon = await open_salon(stack)
        committer = await stack.enter_async_context(
            Committer(database.dsn, system_id=salon.system.id)
        )
        plan = Plan(
            events=args.events,
            spacing=args.spacing_ms / 1000,
            paced=args.pace == "delivered",
            batch=args.batch,
            stall=args.stall,
            stylist_id=salon.stylist.id,
            tokens=[
                mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=person.id, role=person.role)
                for person in (salon.stylist, salon.admin)
            ],
            profile=args.profile,
        )
        shared = (
            await stack.enter_async_context(server_once(database, args.ws))
            if args.one_server
            else None
        )
        log(f"database ready ({database.where})")
        for n in args.subscribers:
            bookings = await arrange_bookings(engine, salon, args.events)
            spares = await arrange_bookings(engine, salon, 2 * MAX_WARMUPS)
            async with contextlib.AsyncExitStack() as per_count:
                server = shared
                if server is None:
                    server = await per_count.enter_async_context(server_once(database, args.ws))
                log(f"{n:,} subscribers, {args.events} events; server pid {server.process.pid}, "
                    f"RSS {server.rss() / MIB:.1f} MiB")  # fmt: skip
                row = await measure(
                    n, server=server, committer=committer, plan=plan, bookings=bookings,
                    spares=spares,
                )  # fmt: skip
            rows.append(row)
            log(f"  p50 {row.p50 * 1000:.1f} ms, p99 {row.p99 * 1000:.1f} ms, max "
                f"{row.slowest * 1000:.1f} ms; missing {row.missing}, duplicated "
                f"{row.duplicated}; {row.idle_kib_per_subscriber:.1f} KiB/idle sub.")  # fmt: skip
    return rows, database.where


async def run(args: argparse.Namespace) -> bool:
    rows, where = await measure_counts(args)
    text = report(args, rows, where)
    write_report(text, args.output)
    return all(row.sound for row in rows)


@contextlib.asynccontextmanager
async def server_once(database: BenchDatabase, ws: str | None) -> AsyncIterator[Server]:
    async with run_server(database.url, ws=ws) as server:
        yield server


async def _main(args: argparse.Namespace) -> bool:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await run(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    sound = asyncio.run(_main(args))
    log(f"done in {time.monotonic() - started:.0f}s" + ("" if sound else "; DELIVERY PROBLEMS"))
    return 0 if sound else 1


if __name__ == "__main__":
    sys.exit(main())
