"""salonbook beside its PostGraphile peer (bench/peer.py): each figure of one run side by side,
with its ratio, and one line of ratios per run when the suite runs several times.

Every ratio reads the same way: ≥ 1.0 is salonbook at least as good. Throughput:
salonbook ÷ PostGraphile. Latency: PostGraphile ÷ salonbook."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.dashboard import DashboardRun
from bench.report import MIB
from bench.transition import Pair, Run

Loads = tuple[float, float, float]


def loads_now() -> Loads:
    one, five, fifteen = os.getloadavg()
    return one, five, fifteen


def loads_text(loads: Loads) -> str:
    return " / ".join(f"{load:.2f}" for load in loads)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _cpu_per_change(run: Run) -> float:
    """The server's CPU milliseconds per change in the run (its own process only)."""
    return (run.server_cpu or 0.0) * 1000 / run.changes if run.changes else 0.0


@dataclass(frozen=True)
class Ratios:
    """One run's ratios, each ≥ 1.0 when salonbook is at least as good."""

    throughput: dict[int, float]
    """Per client count: salonbook changes/s ÷ PostGraphile's."""
    write_p99: dict[int, float]
    """Per client count: PostGraphile's p99 ÷ salonbook's."""
    week_p50: float
    week_p99: float
    """PostGraphile's ÷ salonbook's."""
    live: dict[int, tuple[float, float]] = field(default_factory=dict)
    """Per subscriber count: PostGraphile's subscription p50 and p99 ÷ salonbook's."""


def ratios(pairs: Sequence[Pair], week: DashboardRun, peer_week: DashboardRun) -> Ratios:
    with_peer = [p for p in pairs if p.peer is not None]
    return Ratios(
        throughput={p.api.clients: p.ratio_to_peer for p in with_peer},
        write_p99={p.api.clients: _ratio(p.peer.p99, p.api.p99) for p in with_peer if p.peer},
        week_p50=_ratio(peer_week.p50, week.p50),
        week_p99=_ratio(peer_week.p99, week.p99),
    )


_THROUGHPUT = "salonbook ÷ PostGraphile"
_LATENCY = "PostGraphile ÷ salonbook"


def side_by_side_table(
    pairs: Sequence[Pair], week: DashboardRun, peer_week: DashboardRun,
    write_rss: tuple[int, int],
) -> str:  # fmt: skip
    """Each figure measured on both servers in this run, and its ratio (≥ 1.0: salonbook at
    least as good)."""
    lines = [
        "| figure | salonbook | PostGraphile | ratio | ratio is |",
        "|---|---:|---:|---:|---|",
    ]
    for p in pairs:
        if p.peer is None:
            continue
        n = p.api.clients
        lines += [
            f"| status change, {n} clients: changes/s | {p.api.per_second:,.0f} "
            f"| {p.peer.per_second:,.0f} | **{p.ratio_to_peer:.2f}** | {_THROUGHPUT} |",
            f"| status change, {n} clients: p50 / p99 ms | {_ms(p.api.p50)} / {_ms(p.api.p99)} "
            f"| {_ms(p.peer.p50)} / {_ms(p.peer.p99)} | {_ratio(p.peer.p99, p.api.p99):.2f} "
            f"| p99: {_LATENCY} |",
            f"| status change, {n} clients: server CPU ms per change "
            f"| {_cpu_per_change(p.api):.2f} | {_cpu_per_change(p.peer):.2f} "
            f"| {_ratio(_cpu_per_change(p.peer), _cpu_per_change(p.api)):.2f} | {_LATENCY} |",
        ]
    lines += [
        f"| stylist's week ({week.bookings:,} bookings): p50 ms | {_ms(week.p50)} "
        f"| {_ms(peer_week.p50)} | **{_ratio(peer_week.p50, week.p50):.2f}** | {_LATENCY} |",
        f"| stylist's week: p99 ms | {_ms(week.p99)} | {_ms(peer_week.p99)} "
        f"| **{_ratio(peer_week.p99, week.p99):.2f}** | {_LATENCY} |",
        f"| stylist's week: bookings per page, errors | {week.per_page:.1f}, {week.errors} "
        f"| {peer_week.per_page:.1f}, {peer_week.errors} | | |",
        f"| server peak RSS after the write bench, MiB | {write_rss[0] / MIB:.0f} "
        f"| {write_rss[1] / MIB:.0f} | {_ratio(write_rss[1], write_rss[0]):.2f} "
        f"| {_LATENCY} |",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class RunLine:
    """One run of the suite, for the table of repeated runs."""

    started: Loads
    ended: Loads
    ratios: Ratios | None
    errors: int


def repeat_table(runs: Sequence[RunLine]) -> str:
    """One line per run: its load averages and its ratios (≥ 1.0: salonbook at least as good)."""
    counts = sorted({n for run in runs if run.ratios for n in run.ratios.throughput})
    head = ["run", "load 1/5/15 at start", "at end"]
    head += [f"{n} clients: changes/s ratio" for n in counts]
    head += [f"{n} clients: p99 ratio" for n in counts]
    head += ["week p50 ratio", "week p99 ratio"]
    live = sorted({n for run in runs if run.ratios for n in run.ratios.live})
    head += [f"{n:,} subscribers: p50 / p99 ratio" for n in live]
    head += ["errors"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for index, run in enumerate(runs, start=1):
        cells = [str(index), loads_text(run.started), loads_text(run.ended)]
        r = run.ratios
        if r is None:
            cells += [""] * (2 * len(counts) + 2 + len(live))
        else:
            cells += [f"{r.throughput.get(n, 0.0):.2f}" for n in counts]
            cells += [f"{r.write_p99.get(n, 0.0):.2f}" for n in counts]
            cells += [f"{r.week_p50:.2f}", f"{r.week_p99:.2f}"]
            cells += [" / ".join(f"{x:.2f}" for x in r.live[n]) if n in r.live else ""
                      for n in live]  # fmt: skip
        cells.append(str(run.errors))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
