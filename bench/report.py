"""Judging one run's deliveries, and the markdown tables of the results."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bench.database import Commit
from bench.wsclient import Received

MIB = 1024 * 1024


@dataclass
class Tally:
    """Deliveries of the measured events, over all (event, subscriber) pairs."""

    latencies: list[float]
    missing: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    """Subscribers that got events in an order other than the commit order."""
    wrong: int = 0
    """Deliveries with an unexpected kind, status or version, or of no measured event."""


def tally(commits: Sequence[Commit], streams: Sequence[Sequence[Received]]) -> Tally:
    committed = {commit.booking_id: (index, commit.at) for index, commit in enumerate(commits)}
    result = Tally(latencies=[])
    for stream in streams:
        seen: set[str] = set()
        last_index = -1
        in_order = True
        for item in stream:
            found = committed.get(item.booking_id or "")
            if found is None or (item.kind, item.status) != ("STATUS_CHANGED", "CONFIRMED"):
                result.wrong += 1
                continue
            if item.version != 2:
                result.wrong += 1
            if item.booking_id in seen:
                result.duplicated += 1
                continue
            seen.add(item.booking_id or "")
            index, committed_at = found
            in_order = in_order and index > last_index
            last_index = index
            result.latencies.append(item.at - committed_at)
        result.missing += len(commits) - len(seen)
        result.out_of_order += 0 if in_order else 1
    return result


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (nan when empty)."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Row:
    subscribers: int
    events: int
    deliveries: int
    p50: float
    p99: float
    slowest: float
    missing: int
    duplicated: int
    peak_rss: int
    idle_kib_per_subscriber: float
    # details
    out_of_order: int
    wrong: int
    problems: int
    connect_seconds: float
    warmups: int
    warmup_seconds: float
    rss_before: int
    rss_idle: int
    rss_after_close: int
    commit_seconds: float
    drain_seconds: float
    """From the first commit until the last delivery arrived (or the wait gave up)."""
    server_cpu_seconds: float
    client_cpu_seconds: float

    @property
    def sound(self) -> bool:
        return not (self.missing or self.duplicated or self.out_of_order or self.wrong
                    or self.problems)  # fmt: skip


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def results_table(rows: Sequence[Row]) -> str:
    lines = [
        "| subscribers | events | deliveries | p50 ms | p99 ms | max ms | missing | duplicated "
        "| peak RSS MiB | KiB/idle subscriber |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.subscribers:,} | {r.events} | {r.deliveries:,} | {_ms(r.p50)} "
            f"| {_ms(r.p99)} | {_ms(r.slowest)} | {r.missing:,} | {r.duplicated:,} "
            f"| {r.peak_rss / MIB:.1f} | {r.idle_kib_per_subscriber:.1f} |"
        )
    return "\n".join(lines)


def details_table(rows: Sequence[Row]) -> str:
    lines = [
        "| subscribers | connect s | warm-ups | warm-up s | RSS before / idle / after close MiB "
        "| commits s | drain s | server CPU s | bench CPU s | out of order | wrong | problems |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rss = f"{r.rss_before / MIB:.1f} / {r.rss_idle / MIB:.1f} / {r.rss_after_close / MIB:.1f}"
        lines.append(
            f"| {r.subscribers:,} | {r.connect_seconds:.1f} | {r.warmups} "
            f"| {r.warmup_seconds:.1f} | {rss} | {r.commit_seconds:.1f} "
            f"| {r.drain_seconds:.1f} | {r.server_cpu_seconds:.1f} "
            f"| {r.client_cpu_seconds:.1f} | {r.out_of_order} | {r.wrong} | {r.problems} |"
        )
    return "\n".join(lines)
