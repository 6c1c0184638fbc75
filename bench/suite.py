"""The benchmark suite: every figure of docs/benchmarks.md measured in one run, printed as one
markdown table with its target, and written to bench/results/suite.md (suite-smoke.md).

    uv run python -m bench.suite [--smoke] [--repeat N] [--bookings N] [--no-peer] [--workers N]

In order: transitionBooking over HTTP and in raw SQL at 4, 16 and 64 clients
(bench/transition.py), and the same status change through PostGraphile v5, the peer
(bench/peer.py; its peak RSS and salonbook's read after this write bench), then the table is
filled to 1,000,000 bookings and the dashboard query timed (bench/dashboard.py) against the same
server process, whose peak RSS is then read, and the same week through the peer; then
commit-to-delivery at 1,000 subscribers (bench/realtime.py, a fresh server and database of its
own), and with the peer, subscriptions side by side at 100 and 1,000 subscribers
(bench/live_peer.py, fresh servers and database); then `availability`, one stylist's 7 days and
50 stylists' day, over as many bookings in a salon of 50 stylists (bench/availability.py, a
database and server of its own). DATABASE_URL set: throwaway databases on that server; else
embedded PostgreSQL. `--smoke` runs seconds-long sizes only to prove that everything still runs:
its figures mean nothing. `--repeat N` runs it all N times and ends with one line of
salonbook/PostGraphile ratios per run, with its load averages. `--bookings N` fills N bookings
instead (shorter repeated runs); `--no-peer` leaves PostGraphile out (no Node needed);
`--workers N` serves salonbook as `salonbook serve --workers N` (its CPU summed over the
workers, its peak RSS the largest worker's), the peer staying one process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bench import live_peer, realtime
from bench import peer as peer_bench
from bench.availability import AvailabilityRun, availability_table, measure_availability
from bench.cli import command_parser, open_salon, write_report
from bench.dashboard import DashboardRun, dashboard_table, fill_desks, measure_dashboard
from bench.live_report import LiveRow, live_ratios, live_section, summary_lines
from bench.measure import log
from bench.report import MIB, Row, results_table
from bench.server import Server, run_server
from bench.side_by_side import Loads, RunLine, loads_now, loads_text, ratios, repeat_table
from bench.side_by_side import side_by_side_table as beside_table
from bench.transition import Pair, Plan, measure_transitions, transition_table
from bench.workload import arrange_chairs

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Sizes:
    transition: Plan
    bookings: int
    dashboard_requests: int
    dashboard_warmup: int
    realtime: list[str]
    """bench.realtime's arguments."""
    live: list[str]
    """bench.live_peer's arguments (subscriptions beside PostGraphile)."""
    availability_requests: int
    availability_warmup: int


FULL = Sizes(
    transition=Plan(clients=[4, 16, 64], seconds=10.0, warmup=20, at_most=None),
    bookings=1_000_000,
    dashboard_requests=300,
    dashboard_warmup=30,
    realtime=["--subscribers", "1000", "--events", "200"],
    live=["--subscribers", "100,1000", "--events", "100"],
    availability_requests=300,
    availability_warmup=30,
)
SMOKE = Sizes(
    transition=Plan(clients=[2, 5], seconds=60.0, warmup=2, at_most=10),
    bookings=2_000,
    dashboard_requests=20,
    dashboard_warmup=5,
    realtime=["--smoke"],
    live=["--smoke"],
    availability_requests=20,
    availability_warmup=5,
)


@dataclass
class Results:
    pairs: list[Pair]
    dashboard: DashboardRun
    api_peak_rss: int
    realtime: list[Row]
    where: str
    loads: dict[str, float]
    """1-minute load average at the start of each part."""
    started: Loads
    ended: Loads
    """Load averages (1, 5, 15 minutes) at the start and end of the run."""
    peer_dashboard: DashboardRun | None
    write_rss: tuple[int, int] | None
    """Peak RSS of salonbook's server and the peer's after the write bench (with the peer)."""
    availability: list[AvailabilityRun]
    live: tuple[list[LiveRow], dict[str, float]] | None = None
    """Subscriptions beside the peer (bench/live_peer.py): its rows and idle p50s."""

    @property
    def errors(self) -> int:
        runs = [r for p in self.pairs for r in (p.api, p.raw, p.raw_statements, p.peer) if r]
        peer_errors = self.peer_dashboard.errors if self.peer_dashboard else 0
        availability_errors = sum(run.errors for run in self.availability)
        return (
            sum(r.errors for r in runs) + self.dashboard.errors + peer_errors + availability_errors
        )


def _load() -> float:
    return os.getloadavg()[0]


async def measure(sizes: Sizes, *, peer: bool = True, workers: int | None = None) -> Results:
    started = loads_now()
    log(f"load average (1/5/15) at the start: {loads_text(started)}")
    loads = {"transition": _load()}
    async with contextlib.AsyncExitStack() as stack:
        database, engine, salon = await open_salon(stack)
        chairs = await arrange_chairs(engine, salon, max(sizes.transition.clients))
        server = await stack.enter_async_context(run_server(database.url, workers=workers))
        peer_server: Server | None = None
        if peer:
            peer_server = await peer_bench.start_peer(stack, database, chairs, salon)
        log(f"transitionBooking ({database.where}); server pid {server.process.pid}")
        pairs = await measure_transitions(
            server, database, chairs, sizes.transition, peer=peer_server
        )
        write_rss = (server.peak_rss(), peer_server.peak_rss()) if peer_server else None
        log(f"filling the table with {sizes.bookings:,} bookings")
        desks, total, fill_seconds = await fill_desks(database, sizes.bookings)
        log(f"  {total:,} bookings in {fill_seconds:.0f}s; the dashboard query")
        loads["dashboard"] = _load()
        dashboard = await measure_dashboard(
            server, desks, requests=sizes.dashboard_requests, warmup=sizes.dashboard_warmup,
            bookings=total, fill_seconds=fill_seconds,
        )  # fmt: skip
        log(f"  p50 {dashboard.p50 * 1000:.1f} ms, p99 {dashboard.p99 * 1000:.1f} ms")
        api_peak_rss = server.peak_rss()
        peer_dashboard = None
        if peer_server is not None:
            peer_dashboard = await peer_bench.measure_week(
                server, peer_server, desks, requests=sizes.dashboard_requests,
                warmup=sizes.dashboard_warmup, bookings=total,
            )  # fmt: skip
        where = database.where
    loads["realtime"] = _load()
    log("commit-to-delivery (bench.realtime " + " ".join(sizes.realtime) + ")")
    rows, _ = await realtime.measure_counts(realtime.parse_args(sizes.realtime))
    live = None
    if peer:
        loads["subscriptions beside PostGraphile"] = _load()
        log("subscriptions beside PostGraphile (bench.live_peer " + " ".join(sizes.live) + ")")
        live_rows, idle, _ = await live_peer.measure_once(live_peer.parse_args(sizes.live))
        live = (live_rows, idle)
    loads["availability"] = _load()
    log(f"availability over {sizes.bookings:,} bookings (bench.availability)")
    async with contextlib.AsyncExitStack() as stack:
        availability, _ = await measure_availability(
            stack, bookings=sizes.bookings, requests=sizes.availability_requests,
            warmup=sizes.availability_warmup,
        )  # fmt: skip
    ended = loads_now()
    log(f"load average (1/5/15) at the end: {loads_text(ended)}")
    return Results(
        pairs, dashboard, api_peak_rss, rows, where, loads, started, ended, peer_dashboard,
        write_rss, availability, live,
    )  # fmt: skip


def run_line(results: Results) -> RunLine:
    peer = results.peer_dashboard
    found = ratios(results.pairs, results.dashboard, peer) if peer else None
    if found is not None and results.live is not None:
        found = replace(found, live=live_ratios(results.live[0]))
    return RunLine(results.started, results.ended, found, results.errors)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def summary_table(results: Results) -> str:
    lines = ["| figure | measured | target |", "|---|---:|---|"]
    for pair in results.pairs:
        target = "≥ 0.5" if pair.api.clients == 16 else ""
        lines.append(
            f"| transitionBooking, {pair.api.clients} clients: API/raw throughput "
            f"({pair.api.per_second:,.0f} / {pair.raw.per_second:,.0f} changes/s) "
            f"| **{pair.ratio:.2f}** | {target} |"
        )
        lines.append(
            f"| transitionBooking, {pair.api.clients} clients: API p50 / p99 ms "
            f"| {_ms(pair.api.p50)} / {_ms(pair.api.p99)} | |"
        )
        if pair.peer is not None:
            lines.append(
                f"| transitionBooking, {pair.api.clients} clients: salonbook ÷ PostGraphile "
                f"throughput ({pair.api.per_second:,.0f} / {pair.peer.per_second:,.0f} "
                f"changes/s) | **{pair.ratio_to_peer:.2f}** | ≥ 1.0 |"
            )
    dashboard = results.dashboard
    lines.append(
        f"| dashboard query ({dashboard.bookings:,} bookings): p50 / p99 ms "
        f"| {_ms(dashboard.p50)} / **{_ms(dashboard.p99)}** | p99 ≤ 25 |"
    )
    if (peer := results.peer_dashboard) is not None:
        lines.append(
            f"| dashboard query: PostGraphile ÷ salonbook p50 / p99 ({_ms(peer.p50)} / "
            f"{_ms(peer.p99)} ms) | {peer.p50 / dashboard.p50:.2f} / "
            f"**{peer.p99 / dashboard.p99:.2f}** | ≥ 1.0 |"
        )
    for row in results.realtime:
        lines.append(
            f"| commit-to-delivery, {row.subscribers:,} subscribers: p50 / p99 ms "
            f"| {_ms(row.p50)} / **{_ms(row.p99)}** | p99 ≤ 50 |"
        )
    if results.live is not None:
        lines += summary_lines(*results.live)
    for run in results.availability:
        case = "one stylist, 7 days" if run.case == "week" else "50 stylists, 1 day"
        lines.append(
            f"| availability, {case} ({run.bookings:,} bookings): p50 / p99 ms "
            f"| {_ms(run.p50)} / **{_ms(run.p99)}** | p99 ≤ 25 |"
        )
    peaks = [results.api_peak_rss, *(row.peak_rss for row in results.realtime)]
    lines.append(
        f"| server peak RSS MiB (API server: transitions + dashboard; realtime server) "
        f"| {' ; '.join(f'{peak / MIB:.0f}' for peak in peaks)} | |"
    )
    return "\n".join(lines)


def _beside_peer(results: Results) -> list[str]:
    if results.peer_dashboard is None or results.write_rss is None:
        return []
    table = beside_table(
        results.pairs, results.dashboard, results.peer_dashboard, results.write_rss
    )
    return [
        "## Beside PostGraphile v5 (docs/benchmarks.md: The PostGraphile peer)",
        "",
        "Every ratio: ≥ 1.0 is salonbook at least as good.",
        "",
        table,
        "",
    ]


def report(results: Results, *, smoke: bool, seconds: float, workers: int | None = None) -> str:
    serving = "one uvicorn process" if workers is None else f"salonbook serve --workers {workers}"
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    loads = ", ".join(f"{part} {load:.2f}" for part, load in results.loads.items())
    return "\n".join([
        f"# Benchmark suite{' (smoke sizes: the figures mean nothing)' if smoke else ''}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {results.where}; {machine}; Python "
        f"{platform.python_version()}; salonbook: {serving}, PostGraphile: one process; "
        f"1-minute load average at the start of each part: {loads}; load average (1/5/15) "
        f"at the start {loads_text(results.started)}, at the end {loads_text(results.ended)}; "
        f"{seconds:.0f} s in all.",
        "",
        summary_table(results),
        "",
        *_beside_peer(results),
        *(live_section(*results.live) if results.live else []),
        "## transitionBooking",
        "",
        transition_table(results.pairs),
        "",
        "## Dashboard query",
        "",
        dashboard_table(results.dashboard),
        "",
        "## Commit-to-delivery",
        "",
        results_table(results.realtime),
        "",
        "## Availability",
        "",
        availability_table(results.availability),
        "",
    ])  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.suite", __doc__)
    parser.add_argument("--smoke", action="store_true", help="seconds-long sizes")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="run it all N times")
    parser.add_argument("--bookings", type=int, default=None, help="bookings to fill")
    parser.add_argument("--no-peer", action="store_true", help="leave PostGraphile out")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="serve salonbook with `salonbook serve --workers N` (default: one uvicorn process)",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = RESULTS / ("suite-smoke.md" if args.smoke else "suite.md")
    return args


async def run(args: argparse.Namespace) -> bool:
    reports, lines, sound = [], [], True
    for index in range(args.repeat):
        if args.repeat > 1:
            log(f"run {index + 1} of {args.repeat}")
        started = time.monotonic()
        sizes = SMOKE if args.smoke else FULL
        if args.bookings is not None:
            sizes = replace(sizes, bookings=args.bookings)
        results = await measure(sizes, peer=not args.no_peer, workers=args.workers)
        took = time.monotonic() - started
        reports.append(report(results, smoke=args.smoke, seconds=took, workers=args.workers))
        lines.append(run_line(results))
        live_sound = results.live is None or all(row.sound for row in results.live[0])
        sound = sound and results.errors == 0 and live_sound
        sound = sound and all(row.sound for row in results.realtime)
    text = "\n".join(reports)
    if args.repeat > 1:
        text = "\n".join([
            f"# {args.repeat} runs: salonbook beside PostGraphile, run by run", "",
            "Every ratio: ≥ 1.0 is salonbook at least as good (throughput: salonbook ÷ "
            "PostGraphile; latency: PostGraphile ÷ salonbook).", "",
            repeat_table(lines), "", text,
        ])  # fmt: skip
    write_report(text, args.output)
    return sound


def main(argv: Sequence[str] | None = None) -> int:
    return 0 if asyncio.run(run(parse_args(argv))) else 1


if __name__ == "__main__":
    sys.exit(main())
