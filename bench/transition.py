"""transitionBooking throughput and latency over HTTP, side by side with the same status change
in raw SQL over asyncpg, at 4, 16 and 64 concurrent clients.

    uv run python -m bench.transition [--clients 4,16,64] [--seconds 10] [--smoke]

Each client is a stylist flipping their own booking START / UNDO_START, one request at a time
(closed loop): over HTTP/1.1 keep-alive to a real uvicorn server process, or over an asyncpg
connection of its own (lock NOWAIT, then change_booking_status() in one transaction). For each
client count the raw run goes first, then the API run, a warm-up before each. DATABASE_URL set:
a throwaway database on that server, else an embedded PostgreSQL. Writes
bench/results/transition.md (transition-smoke.md for --smoke)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from bench.cli import command_parser, counts, open_salon, titled_report, write_report
from bench.database import BenchDatabase
from bench.measure import log
from bench.peer import PeerFlipper
from bench.report import percentile
from bench.server import Server, run_server, start_profiler, stop_profiler
from bench.workload import ApiFlipper, Chair, RawFlipper, Tally, arrange_chairs, flip_until

RESULTS = Path(__file__).parent / "results"
Flipper = ApiFlipper | RawFlipper | PeerFlipper


@dataclass(frozen=True)
class Plan:
    clients: Sequence[int]
    seconds: float
    """Measured time per run (each client stops starting requests after it)."""
    warmup: int
    """Requests per client before the measured part."""
    at_most: int | None
    """Measured requests per client at most (the smoke size), else until `seconds`."""
    profile: Path | None = None


@dataclass(frozen=True)
class Run:
    """One way (API or raw) at one client count."""

    clients: int
    changes: int
    errors: int
    seconds: float
    p50: float
    p99: float
    server_cpu: float | None
    """CPU seconds of the server process during the run (API runs)."""
    bench_cpu: float

    @property
    def per_second(self) -> float:
        return self.changes / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Pair:
    api: Run
    raw: Run
    """The raw baseline: a transaction of lock, change, commit (four round trips)."""
    raw_statements: Run
    """Raw SQL doing what the API does: read, then the one-statement change (two)."""
    peer: Run | None = None
    """The same change through PostGraphile (bench/peer.py), when the peer runs."""

    @property
    def ratio(self) -> float:
        return self.api.per_second / self.raw.per_second if self.raw.per_second else 0.0

    @property
    def ratio_to_statements(self) -> float:
        raw = self.raw_statements.per_second
        return self.api.per_second / raw if raw else 0.0

    @property
    def ratio_to_peer(self) -> float:
        """salonbook's throughput ÷ PostGraphile's (≥ 1.0: salonbook keeps up)."""
        peer = self.peer.per_second if self.peer else 0.0
        return self.api.per_second / peer if peer else 0.0


async def _run(
    flippers: Sequence[Flipper], plan: Plan, server: Server | None, first_errors: list[str]
) -> Run:
    warmup = [Tally() for _ in flippers]
    await asyncio.gather(*(
        flip_until(f, t, done=lambda: False, at_most=plan.warmup)
        for f, t in zip(flippers, warmup, strict=True)
    ))  # fmt: skip
    tallies = [Tally() for _ in flippers]
    me = psutil.Process()
    server_cpu = server.cpu_seconds() if server else 0.0
    bench_cpu = sum(me.cpu_times()[:2])
    started = time.perf_counter()
    deadline = started + plan.seconds
    await asyncio.gather(*(
        flip_until(f, t, done=lambda: time.perf_counter() >= deadline, at_most=plan.at_most)
        for f, t in zip(flippers, tallies, strict=True)
    ))  # fmt: skip
    elapsed = time.perf_counter() - started
    latencies = sorted(x for t in tallies for x in t.latencies)
    errors = [e for t in warmup + tallies for e in t.errors]
    first_errors += errors[: max(0, 5 - len(first_errors))]
    return Run(
        clients=len(flippers),
        changes=len(latencies),
        errors=len(errors),
        seconds=elapsed,
        p50=percentile(latencies, 0.50),
        p99=percentile(latencies, 0.99),
        server_cpu=server.cpu_seconds() - server_cpu if server else None,
        bench_cpu=sum(me.cpu_times()[:2]) - bench_cpu,
    )


async def _measured(
    opened: Awaitable[list[Flipper]], plan: Plan, server: Server | None, errors: list[str]
) -> Run:
    flippers = await opened
    try:
        return await _run(flippers, plan, server, errors)
    finally:
        await asyncio.gather(*(f.close() for f in flippers), return_exceptions=True)


async def _api_flippers(server: Server, chairs: Sequence[Chair]) -> list[Flipper]:
    base = f"http://{server.host}:{server.port}"
    return [ApiFlipper(base, chair) for chair in chairs]


async def _raw_flippers(
    dsn: str, chairs: Sequence[Chair], *, statements: bool = False
) -> list[Flipper]:
    return list(await asyncio.gather(*(
        RawFlipper.connect(dsn, chair, statements=statements) for chair in chairs
    )))  # fmt: skip


async def _peer_flippers(peer: Server, chairs: Sequence[Chair]) -> list[Flipper]:
    base = f"http://{peer.host}:{peer.port}"
    return [PeerFlipper(base, chair) for chair in chairs]


async def measure_transitions(
    server: Server, database: BenchDatabase, chairs: Sequence[Chair], plan: Plan,
    peer: Server | None = None,
) -> list[Pair]:  # fmt: skip
    """Raw, then API, then the peer (when given) for each client count; `chairs` has one chair
    per client at least (the peer flips its copies of the chairs' bookings)."""
    pairs = []
    for n in plan.clients:
        errors: list[str] = []
        raw = await _measured(_raw_flippers(database.dsn, chairs[:n]), plan, None, errors)
        statements = await _measured(
            _raw_flippers(database.dsn, chairs[:n], statements=True), plan, None, errors
        )
        profiler = None
        if plan.profile is not None:
            profiler = start_profiler(server, plan.profile / f"transition-{n}.txt")
        try:
            api = await _measured(_api_flippers(server, chairs[:n]), plan, server, errors)
        finally:
            if profiler is not None:
                await stop_profiler(profiler)
        peer_run = None
        if peer is not None:
            peer_run = await _measured(_peer_flippers(peer, chairs[:n]), plan, peer, errors)
        pair = Pair(api=api, raw=raw, raw_statements=statements, peer=peer_run)
        pairs.append(pair)
        log(f"  {n} clients: API {api.per_second:.0f}/s (p50 {api.p50 * 1000:.1f} ms, p99 "
            f"{api.p99 * 1000:.1f} ms), raw {raw.per_second:.0f}/s (p50 {raw.p50 * 1000:.1f} "
            f"ms, p99 {raw.p99 * 1000:.1f} ms); API/raw {pair.ratio:.2f}; raw in the API's two "
            f"statements {statements.per_second:.0f}/s, API/that "
            f"{pair.ratio_to_statements:.2f}")  # fmt: skip
        if peer_run is not None:
            log(f"  {n} clients: PostGraphile {peer_run.per_second:.0f}/s (p50 "
                f"{peer_run.p50 * 1000:.1f} ms, p99 {peer_run.p99 * 1000:.1f} ms); "
                f"salonbook/PostGraphile {pair.ratio_to_peer:.2f}")  # fmt: skip
        for error in errors:
            log(f"  error: {error}")
    return pairs


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def transition_table(pairs: Sequence[Pair]) -> str:
    lines = [
        "| clients | API changes/s | raw changes/s | API/raw | API p50 ms | API p99 ms "
        "| raw p50 ms | raw p99 ms | raw, API's 2 statements: changes/s | API/that "
        "| errors | server CPU ms/change | server CPU s / run s | bench CPU s (API, raw) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in pairs:
        cpu = f"{p.api.server_cpu or 0:.1f} / {p.api.seconds:.1f}"
        per_change = (p.api.server_cpu or 0) * 1000 / p.api.changes if p.api.changes else 0.0
        lines.append(
            f"| {p.api.clients} | {p.api.per_second:,.0f} | {p.raw.per_second:,.0f} "
            f"| {p.ratio:.2f} | {_ms(p.api.p50)} | {_ms(p.api.p99)} | {_ms(p.raw.p50)} "
            f"| {_ms(p.raw.p99)} | {p.raw_statements.per_second:,.0f} "
            f"| {p.ratio_to_statements:.2f} "
            f"| {p.api.errors + p.raw.errors + p.raw_statements.errors} | {per_change:.2f} | {cpu} "
            f"| {p.api.bench_cpu:.1f}, {p.raw.bench_cpu:.1f} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.transition", __doc__)
    parser.add_argument("--clients", type=counts, default=[4, 16, 64])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run")
    parser.add_argument("--warmup", type=int, default=20, help="requests per client first")
    parser.add_argument("--smoke", action="store_true", help="50 requests per run, seconds")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--profile", type=Path, default=None, metavar="DIR",
        help="py-spy the server during each API run (uv run --with py-spy==0.4.1 ...)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = RESULTS / ("transition-smoke.md" if args.smoke else "transition.md")
    return args


def plan_from(args: argparse.Namespace) -> Plan:
    if args.smoke:
        return Plan(clients=[2, 5], seconds=60.0, warmup=2, at_most=10, profile=args.profile)
    return Plan(args.clients, args.seconds, args.warmup, None, args.profile)


async def run(args: argparse.Namespace) -> None:
    plan = plan_from(args)
    async with contextlib.AsyncExitStack() as stack:
        database, engine, salon = await open_salon(stack)
        chairs = await arrange_chairs(engine, salon, max(plan.clients))
        server = await stack.enter_async_context(run_server(database.url))
        log(f"database ready ({database.where}); server pid {server.process.pid}")
        pairs = await measure_transitions(server, database, chairs, plan)
        log(f"server peak RSS (VmHWM) {server.peak_rss() / 2**20:.1f} MiB")
        text = titled_report("transitionBooking benchmark", database.where, transition_table(pairs))
    write_report(text, args.output)


def main(argv: Sequence[str] | None = None) -> int:
    asyncio.run(run(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
