"""One row of the realtime benchmark: N subscribers on a fresh server, warm-up, idle memory,
then the measured commits and their deliveries."""

from __future__ import annotations

import asyncio
import gc
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from bench.database import Commit, Committer
from bench.report import Row, percentile, tally
from bench.server import PeakSampler, Server, start_profiler, stop_profiler
from bench.wsclient import Subscriber, open_many

EVENTS = """
subscription($stylistId: ID!) {
  bookingEvents(filter: {stylistId: $stylistId}) { cursor kind bookingId booking { id status version } }
}
"""  # noqa: E501
MAX_WARMUPS = 5


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclass(frozen=True)
class Plan:
    """What every row does the same way."""

    events: int
    spacing: float
    """Seconds from one commit returning to the next one starting, at least."""
    paced: bool
    """Also wait, before the next commit, until the previous event reached every subscriber."""
    batch: int
    stall: float
    stylist_id: uuid.UUID
    tokens: Sequence[str]
    profile: Path | None


class Arrivals:
    """How many deliveries each booking's event has had; wakes whoever waits for a number."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._waiting: dict[str, tuple[int, asyncio.Event]] = {}

    def __call__(self, booking_id: str) -> None:
        count = self.counts[booking_id] = self.counts[booking_id] + 1
        waiting = self._waiting.get(booking_id)
        if waiting is not None and count >= waiting[0]:
            waiting[1].set()

    async def wait(self, booking_id: str, count: int, *, within: float) -> bool:
        if self.counts[booking_id] >= count:
            return True
        reached = asyncio.Event()
        self._waiting[booking_id] = (count, reached)
        try:
            await asyncio.wait_for(reached.wait(), within)
            return True
        except TimeoutError:
            return False
        finally:
            del self._waiting[booking_id]


async def wait_until_quiet(server: Server, *, within: float = 120.0) -> None:
    """Until the server has no client socket left open."""
    deadline = time.monotonic() + within
    while (still := await asyncio.to_thread(server.websockets_open)) > 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{still} websockets still open on the server after {within}s")
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # the generators' cleanup after the last close


async def subscribe_all(
    server: Server, plan: Plan, n: int, arrivals: Arrivals, committer: Committer,
    spares: list[uuid.UUID],
) -> tuple[list[Subscriber], float, int, float]:  # fmt: skip
    """Open n subscribers and wait until they are live: a warm-up change (taken from `spares`)
    reached every one of them. Returns them, connect seconds, warm-ups, warm-up seconds."""
    started = time.perf_counter()
    tokens = [plan.tokens[i % len(plan.tokens)] for i in range(n)]
    subscribers = await open_many(
        server.host, server.port, tokens, batch=plan.batch, on_event=arrivals
    )
    connect_seconds = time.perf_counter() - started
    for subscriber in subscribers:
        subscriber.subscribe(EVENTS, {"stylistId": str(plan.stylist_id)})
    started = time.perf_counter()
    per_try = 15.0 + n / 100
    for attempt in range(1, MAX_WARMUPS + 1):
        booking_id = str(spares.pop())
        await committer.confirm([uuid.UUID(booking_id)], spacing=0)
        if await arrivals.wait(booking_id, n, within=per_try):
            return subscribers, connect_seconds, attempt, time.perf_counter() - started
        server.check_alive()
        log(f"  warm-up {attempt} reached {arrivals.counts[booking_id]}/{n} in {per_try:.0f}s")
    for subscriber in subscribers:
        subscriber.abort()
    raise TimeoutError(f"{MAX_WARMUPS} warm-up changes did not reach every subscriber")


async def commit_paced(
    committer: Committer, bookings: Sequence[uuid.UUID], *, plan: Plan, n: int,
    arrivals: Arrivals,
) -> list[Commit]:  # fmt: skip
    """Each commit after the previous event reached all n subscribers (or `stall` passed)."""
    commits: list[Commit] = []
    for booking_id in bookings:
        if commits:
            delay = commits[-1].at + plan.spacing - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        commits += await committer.confirm([booking_id], spacing=0)
        if not await arrivals.wait(str(booking_id), n, within=plan.stall):
            log(f"  event {len(commits)} reached {arrivals.counts[str(booking_id)]}/{n}")
    return commits


async def wait_for_deliveries(
    subscribers: Sequence[Subscriber], expected: int, *, stall: float
) -> None:
    """Until every expected delivery arrived, or none arrived for `stall` seconds."""
    last_count, last_progress = -1, time.monotonic()
    while True:
        count = sum(len(s.received) for s in subscribers)
        now = time.monotonic()
        if count >= expected:
            await asyncio.sleep(0.5)  # time for a duplicate to show up
            return
        if count != last_count:
            last_count, last_progress = count, now
        elif now - last_progress > stall:
            log(f"  gave up: {count:,}/{expected:,} deliveries, none for {stall:.0f}s")
            return
        await asyncio.sleep(0.05)


async def measure(
    n: int, *, server: Server, committer: Committer, plan: Plan,
    bookings: Sequence[uuid.UUID], spares: list[uuid.UUID],
) -> Row:  # fmt: skip
    """The row for n subscribers. `bookings` get the measured changes; warm-ups use `spares`."""
    arrivals = Arrivals()
    # One subscriber first, so what the first subscription costs once is in the baseline.
    (primer,), *_ = await subscribe_all(server, plan, 1, arrivals, committer, spares)
    primer.close()
    await wait_until_quiet(server)
    rss_before = server.rss()
    me = psutil.Process()
    subscribers: list[Subscriber] = []
    with PeakSampler(server) as sampler:
        try:
            subscribers, connect_s, warmups, warmup_s = await subscribe_all(
                server, plan, n, arrivals, committer, spares
            )
            log(f"  {n:,} subscribers open in {connect_s:.1f}s, live after {warmups} "
                f"warm-up change(s), {warmup_s:.1f}s")  # fmt: skip
            await asyncio.sleep(2.0)
            rss_idle = server.rss()
            for subscriber in subscribers:
                subscriber.received.clear()
            server_cpu, client_cpu = server.cpu_seconds(), sum(me.cpu_times()[:2])
            profiler = None
            if plan.profile is not None:
                profiler = start_profiler(server, plan.profile / f"realtime-{n}.txt")
            # the bench's own full collections (it keeps every delivery) would stall its loop
            # and show up as server latency: none while the measured events arrive
            gc.collect()
            gc.disable()
            started = time.perf_counter()
            try:
                if plan.paced:
                    commits = await commit_paced(
                        committer, bookings, plan=plan, n=n, arrivals=arrivals
                    )
                else:
                    commits = await committer.confirm(bookings, spacing=plan.spacing)
                commit_seconds = time.perf_counter() - started
                await wait_for_deliveries(subscribers, n * len(commits), stall=plan.stall)
            finally:
                gc.enable()
            if profiler is not None:
                await stop_profiler(profiler)
            last = max((s.received[-1].at for s in subscribers if s.received), default=started)
            server_cpu = server.cpu_seconds() - server_cpu
            client_cpu = sum(me.cpu_times()[:2]) - client_cpu
            lost = [s.lost.result() for s in subscribers if s.lost.done()]
            server.check_alive()
        finally:
            for subscriber in subscribers:
                subscriber.close()
    result = tally(commits, [s.received for s in subscribers])
    problems = [p for s in subscribers for p in s.problems] + lost
    for problem in problems[:5]:
        log(f"  problem: {problem}")
    await wait_until_quiet(server)
    ordered = sorted(result.latencies)
    return Row(
        subscribers=n,
        events=len(commits),
        deliveries=len(ordered),
        p50=percentile(ordered, 0.50),
        p99=percentile(ordered, 0.99),
        slowest=ordered[-1] if ordered else float("nan"),
        missing=result.missing,
        duplicated=result.duplicated,
        peak_rss=max(sampler.peak, server.peak_rss()),
        idle_kib_per_subscriber=(rss_idle - rss_before) / n / 1024,
        out_of_order=result.out_of_order,
        wrong=result.wrong,
        problems=len(problems),
        connect_seconds=connect_s,
        warmups=warmups,
        warmup_seconds=warmup_s,
        rss_before=rss_before,
        rss_idle=rss_idle,
        rss_after_close=server.rss(),
        commit_seconds=commit_seconds,
        drain_seconds=last - started,
        server_cpu_seconds=server_cpu,
        client_cpu_seconds=client_cpu,
    )
