"""Subscriptions beside PostGraphile v5: salonbook's bookingEvents and the peer's (a listen()
step on the NOTIFY of the peer's status change, bench/peers/postgraphile/server.mjs), measured
in one run by the same load client (bench/wsclient.py, graphql-transport-ws).

    uv run python -m bench.live_peer [--subscribers 100,1000] [--events 100] [--idle 50]
                                     [--smoke] [--repeat N]

For each subscriber count, each server in turn (salonbook first, then the peer; both processes
up for the whole run, the other one idle): N websockets opened and initialised (half the
stylist's token, half an admin's), each subscribed to the stylist's events, live once a warm-up
change reached every one; then `--events` PENDING → CONFIRMED changes, each sent as the
server's own mutation over HTTP by the system actor (payments), the next one once the previous
event reached every subscriber (and at least `--spacing-ms` after its answer). Latency = the
bench receiving the event on a subscriber's socket - the mutation's request written; "after the
answer" = the same receipt - the mutation's answer read. Idle: one subscriber, `--idle` changes
committed in raw SQL (each server's own status change), commit returned → the event received.
The exit status is 1 if any delivery went missing, came twice, out of order or wrong, or a
mutation failed.
Results go to bench/results/live-peer.md (live-peer-smoke.md with --smoke)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import peer as peer_bench
from bench import peer_schema
from bench.cli import command_parser, counts, open_salon, write_report
from bench.database import Commit, Committer, Salon, arrange_bookings
from bench.live_report import LiveRow, report
from bench.live_targets import Mutator, PeerCommitter, Target, peer_target, salonbook_target
from bench.measure import Arrivals, log, wait_until_quiet
from bench.realtime import raise_open_file_limit
from bench.report import percentile, tally
from bench.server import run_server
from bench.side_by_side import loads_now
from bench.wsclient import Subscriber, open_many
from salonbook.auth.tokens import mint_token
from salonbook.config import DEVELOPMENT_JWT_SECRET

RESULTS = Path(__file__).parent / "results"
WARMUPS = 3


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("python -m bench.live_peer", __doc__)
    parser.add_argument("--subscribers", type=counts, default=[100, 1000])
    parser.add_argument("--events", type=int, default=100, help="measured changes per count")
    parser.add_argument("--idle", type=int, default=20, help="idle changes (one subscriber)")
    parser.add_argument(
        "--idle-spacing-ms", type=float, default=1100.0,
        help="pause before each idle change (default 1,100 ms: a quiet salon, longer than "
        "the pool's ping-after-idle second)",
    )  # fmt: skip
    parser.add_argument("--spacing-ms", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=250, help="handshakes at a time")
    parser.add_argument("--stall", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=1, metavar="N")
    parser.add_argument(
        "--peer-booking", choices=("payload", "read"), default="payload",
        help="the peer's event booking: from the NOTIFY payload (default), or read per "
        "subscriber (PostGraphile's documented pattern; bench/peers/postgraphile/server.mjs)",
    )  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="seconds-long sizes")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.smoke:
        args.subscribers, args.events, args.idle, args.idle_spacing_ms = [10], 5, 3, 200.0
    if args.output is None:
        args.output = RESULTS / ("live-peer-smoke.md" if args.smoke else "live-peer.md")
    return args


@dataclass
class Run:
    """Everything one target is measured with."""

    target: Target
    salon: Salon
    tokens: list[str]
    mutator: Mutator
    spacing: float
    stall: float
    batch: int


async def _confirmed_everywhere(run: Run, booking_id: uuid.UUID, arrivals: Arrivals, n: int,
                                *, problems: list[str]) -> tuple[Commit, Commit]:  # fmt: skip
    """The mutation for one booking; (request written, answer read) as commits for tally()."""
    sent = await run.mutator.confirm(booking_id)
    if sent.problem is not None:
        problems.append(f"mutation: {sent.problem}")
        log(f"  {run.target.name} mutation: {sent.problem}")
    if not await arrivals.wait(sent.booking_id, n, within=run.stall):
        log(f"  {sent.booking_id} reached {arrivals.counts[sent.booking_id]}/{n}")
    return Commit(sent.booking_id, 0, sent.sent), Commit(sent.booking_id, 0, sent.answered)


async def subscribe(run: Run, n: int, arrivals: Arrivals, spares: list[uuid.UUID],
                    problems: list[str]) -> tuple[list[Subscriber], float, float]:  # fmt: skip
    """n subscribers opened and initialised, then subscribed: (them, seconds until all were
    acknowledged, seconds until a warm-up change reached all of them)."""
    server = run.target.server
    started = time.perf_counter()
    tokens = [run.tokens[i % len(run.tokens)] for i in range(n)]
    subscribers = await open_many(server.host, server.port, tokens, batch=run.batch,
                                  on_event=arrivals)  # fmt: skip
    acked = time.perf_counter() - started
    for subscriber in subscribers:
        subscriber.subscribe(run.target.subscription, {"stylistId": str(run.salon.stylist.id)})
    for _ in range(WARMUPS):
        booking_id = spares.pop()
        await _confirmed_everywhere(run, booking_id, arrivals, n, problems=problems)
        if arrivals.counts[str(booking_id)] >= n:
            return subscribers, acked, time.perf_counter() - started
    for subscriber in subscribers:
        subscriber.abort()
    raise TimeoutError(f"{run.target.name}: {WARMUPS} warm-up changes did not reach all {n}")


async def measure_count(run: Run, n: int, bookings: list[uuid.UUID],
                        spares: list[uuid.UUID]) -> LiveRow:  # fmt: skip
    arrivals, problems = Arrivals(), []
    subscribers, acked, live = await subscribe(run, n, arrivals, spares, problems)
    log(f"  {run.target.name}: {n:,} open in {acked:.2f}s, live after {live:.2f}s")
    for subscriber in subscribers:
        subscriber.received.clear()
    gc.collect()
    gc.disable()  # the bench's own collections would count as latency
    sent, answered = [], []
    try:
        for booking_id in bookings:
            await asyncio.sleep(run.spacing)
            request, answer = await _confirmed_everywhere(run, booking_id, arrivals, n,
                                                          problems=problems)  # fmt: skip
            sent.append(request)
            answered.append(answer)
        await asyncio.sleep(0.3)  # time for a duplicate to show up
    finally:
        gc.enable()
        for subscriber in subscribers:
            subscriber.close()
    streams = [s.received for s in subscribers]
    from_request, from_answer = tally(sent, streams), tally(answered, streams)
    problems += [p for s in subscribers for p in s.problems]
    for problem in problems[:3]:
        log(f"  problem: {problem}")
    return LiveRow.of(run.target.name, n, from_request, sorted(from_answer.latencies),
                      acked=acked, live=live, problems=len(problems))  # fmt: skip


async def measure_idle(target: Target, salon: Salon, token: str, bookings: list[uuid.UUID],
                       stall: float, spacing: float) -> tuple[float, int]:  # fmt: skip
    """p50 of commit returned → the one subscriber's receipt, and the deliveries missing."""
    arrivals = Arrivals()
    server = target.server
    (subscriber,) = await open_many(server.host, server.port, [token], batch=1,
                                    on_event=arrivals)  # fmt: skip
    subscriber.subscribe(target.subscription, {"stylistId": str(salon.stylist.id)})
    await asyncio.sleep(0.5)  # graphql-transport-ws does not acknowledge a subscribe
    commits = []
    try:
        for booking_id in bookings:
            await asyncio.sleep(spacing)
            commits += await target.committer.confirm([booking_id], spacing=0)
            await arrivals.wait(str(booking_id), 1, within=stall)
    finally:
        subscriber.close()
    result = tally(commits, [subscriber.received])
    await wait_until_quiet(server)
    return percentile(sorted(result.latencies), 0.5), result.missing + result.wrong


async def measure_once(args: argparse.Namespace) -> tuple[list[LiveRow], dict[str, float], str]:
    """One run: the rows (salonbook, peer per count), idle p50 per target, where the db was."""
    raise_open_file_limit(2 * max(args.subscribers) + 1024)
    sys.setswitchinterval(0.001)  # the mutator and committer threads stamp without delay
    async with contextlib.AsyncExitStack() as stack:
        database, engine, salon = await open_salon(stack)
        await peer_schema.install(database.dsn)
        per_target = len(args.subscribers) * (args.events + WARMUPS) + args.idle
        ids = await arrange_bookings(engine, salon, 2 * per_target)
        ours, theirs = ids[:per_target], ids[per_target:]
        await peer_schema.copy_pending(database.dsn, theirs)
        server = await stack.enter_async_context(run_server(database.url))
        peer_server = await stack.enter_async_context(
            peer_bench.run_peer(database.dsn, event_booking=args.peer_booking)
        )
        targets = [
            salonbook_target(server, await stack.enter_async_context(
                Committer(database.dsn, system_id=salon.system.id))),
            peer_target(peer_server, await stack.enter_async_context(
                PeerCommitter(database.dsn, system_id=salon.system.id))),
        ]  # fmt: skip
        tokens = [mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=p.id, role=p.role)
                  for p in (salon.stylist, salon.admin)]  # fmt: skip
        payments = mint_token(secret=DEVELOPMENT_JWT_SECRET, sub=salon.system.id,
                              role=salon.system.role)  # fmt: skip
        log(f"salonbook pid {server.process.pid}, PostGraphile pid {peer_server.process.pid}")
        idle, rows = {}, []
        for target, pool in zip(targets, (ours, theirs), strict=True):
            idle_ids = [pool.pop() for _ in range(args.idle)]
            spacing = args.idle_spacing_ms / 1000
            idle_p50, missing = await measure_idle(target, salon, tokens[0], idle_ids,
                                                   args.stall, spacing)  # fmt: skip
            idle[target.name] = idle_p50
            log(f"{target.name}: idle commit → subscriber p50 {idle_p50 * 1000:.2f} ms"
                + (f", {missing} missing or wrong" if missing else ""))  # fmt: skip
        for n in args.subscribers:
            for target, pool in zip(targets, (ours, theirs), strict=True):
                with Mutator(target, payments) as mutator:
                    run = Run(target, salon, tokens, mutator, args.spacing_ms / 1000,
                              args.stall, args.batch)  # fmt: skip
                    measured = [pool.pop() for _ in range(args.events)]
                    spares = [pool.pop() for _ in range(WARMUPS)]
                    row = await measure_count(run, n, measured, spares)
                await wait_until_quiet(target.server)  # the mutator's connection closed too
                rows.append(row)
                log(f"  {target.name} {n:,}: p50 {row.p50 * 1000:.1f} ms, p99 "
                    f"{row.p99 * 1000:.1f} ms, after the answer p50 "
                    f"{row.after_answer_p50 * 1000:.1f} ms; sound: {row.sound}")  # fmt: skip
        return rows, idle, database.where


async def run(args: argparse.Namespace) -> bool:
    runs, sound = [], True
    for index in range(args.repeat):
        if args.repeat > 1:
            log(f"run {index + 1} of {args.repeat}")
        started = loads_now()
        rows, idle, where = await measure_once(args)
        runs.append((rows, idle, started, loads_now()))
        sound = sound and all(row.sound for row in rows)
    write_report(report(runs, where=where, args=args), args.output)
    return sound


def main(argv: Sequence[str] | None = None) -> int:
    return 0 if asyncio.run(run(parse_args(argv))) else 1


if __name__ == "__main__":
    sys.exit(main())
