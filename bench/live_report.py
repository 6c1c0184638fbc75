"""bench/live_peer.py's rows and its markdown: salonbook and PostGraphile side by side, with the
ratios (≥ 1.0: salonbook at least as good; PostGraphile's figure ÷ salonbook's)."""

from __future__ import annotations

import argparse
import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.report import Tally, percentile
from bench.side_by_side import Loads, loads_text

SALONBOOK, PEER = "salonbook", "PostGraphile"
PEER_BOOKING = {"payload": "from the NOTIFY payload", "read": "read per subscriber"}


@dataclass(frozen=True)
class LiveRow:
    target: str
    subscribers: int
    events: int
    deliveries: int
    p50: float
    p99: float
    """Mutation request written → each subscriber's receipt."""
    after_answer_p50: float
    """Mutation answer read → each subscriber's receipt (negative: the event came first)."""
    acked: float
    """Seconds until all n websockets were open and acknowledged (connection_ack)."""
    live: float
    """Seconds until a warm-up change had reached all n (open, subscribe, first event)."""
    missing: int
    duplicated: int
    out_of_order: int
    wrong: int
    problems: int

    @classmethod
    def of(cls, target: str, n: int, result: Tally, after_answer: list[float], *,
           acked: float, live: float, problems: int) -> LiveRow:  # fmt: skip
        ordered = sorted(result.latencies)
        return cls(
            target, n, len(ordered) // n if n else 0, len(ordered),
            percentile(ordered, 0.5), percentile(ordered, 0.99),
            percentile(after_answer, 0.5), acked, live, result.missing, result.duplicated,
            result.out_of_order, result.wrong, problems,
        )  # fmt: skip

    @property
    def sound(self) -> bool:
        return not (self.missing or self.duplicated or self.out_of_order or self.wrong
                    or self.problems)  # fmt: skip


Run = tuple[list[LiveRow], dict[str, float], Loads, Loads]
"""One run's rows, idle p50 per target, load averages at its start and end."""


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


def _ratio(theirs: float, ours: float) -> str:
    return f"{theirs / ours:.2f}" if ours > 0 and not math.isnan(theirs / ours) else "n/a"


def pairs(rows: Sequence[LiveRow]) -> list[tuple[LiveRow, LiveRow]]:
    """(salonbook's row, the peer's) per subscriber count."""
    by = {(r.target, r.subscribers): r for r in rows}
    counts = sorted({r.subscribers for r in rows})
    return [(by[SALONBOOK, n], by[PEER, n]) for n in counts if (PEER, n) in by]


def live_ratios(rows: Sequence[LiveRow]) -> dict[int, tuple[float, float]]:
    """Per subscriber count: PostGraphile's p50 and p99 ÷ salonbook's."""
    return {
        ours.subscribers: (theirs.p50 / ours.p50 if ours.p50 else 0.0,
                           theirs.p99 / ours.p99 if ours.p99 else 0.0)
        for ours, theirs in pairs(rows)
    }  # fmt: skip


def side_by_side_table(rows: Sequence[LiveRow], idle: dict[str, float]) -> str:
    lines = [
        "| figure | salonbook | PostGraphile | ratio |",
        "|---|---:|---:|---:|",
        f"| idle, one subscriber: commit → event p50 ms (target ≤ 2) "
        f"| **{_ms(idle[SALONBOOK])}** | {_ms(idle[PEER])} "
        f"| {_ratio(idle[PEER], idle[SALONBOOK])} |",
    ]
    for ours, theirs in pairs(rows):
        n = f"{ours.subscribers:,} subscribers"
        lines += [
            f"| {n}: mutation sent → event p50 ms | **{_ms(ours.p50)}** | {_ms(theirs.p50)} "
            f"| **{_ratio(theirs.p50, ours.p50)}** |",
            f"| {n}: p99 ms | **{_ms(ours.p99)}** | {_ms(theirs.p99)} "
            f"| **{_ratio(theirs.p99, ours.p99)}** |",
            f"| {n}: mutation answered → event p50 ms | {_ms(ours.after_answer_p50)} "
            f"| {_ms(theirs.after_answer_p50)} | |",
            f"| {n}: sockets open + connection_ack s | {ours.acked:.2f} | {theirs.acked:.2f} "
            f"| {_ratio(theirs.acked, ours.acked)} |",
            f"| {n}: open + subscribed + first event at all s | **{ours.live:.2f}** "
            f"| {theirs.live:.2f} | **{_ratio(theirs.live, ours.live)}** |",
            f"| {n}: deliveries; missing, duplicated, out of order, wrong, problems "
            f"| {ours.deliveries:,}; {_faults(ours)} | {theirs.deliveries:,}; {_faults(theirs)} "
            "| |",
        ]
    return "\n".join(lines)


def summary_lines(rows: Sequence[LiveRow], idle: dict[str, float]) -> list[str]:
    """The suite's summary lines (figure | measured | target)."""
    lines = [f"| subscriptions: idle commit → first subscriber p50 ms "
             f"| **{_ms(idle[SALONBOOK])}** | ≤ 2 |"]  # fmt: skip
    for ours, theirs in pairs(rows):
        lines.append(
            f"| subscriptions, {ours.subscribers:,} subscribers: PostGraphile ÷ salonbook "
            f"p50 / p99 ({_ms(theirs.p50)} / {_ms(theirs.p99)} ms) "
            f"| {_ratio(theirs.p50, ours.p50)} / **{_ratio(theirs.p99, ours.p99)}** | ≥ 1.0 |"
        )
    return lines


def live_section(rows: Sequence[LiveRow], idle: dict[str, float]) -> list[str]:
    """The suite's section for this part."""
    return [
        "## Subscriptions beside PostGraphile v5 (bench/live_peer.py)",
        "",
        "Ratios: PostGraphile ÷ salonbook (≥ 1.0: salonbook at least as good).",
        "",
        side_by_side_table(rows, idle),
        "",
    ]


def _faults(row: LiveRow) -> str:
    return f"{row.missing}, {row.duplicated}, {row.out_of_order}, {row.wrong}, {row.problems}"


def repeat_table(runs: Sequence[Run]) -> str:
    """One line per run: its load averages and the ratios (≥ 1.0: salonbook at least as good)."""
    counts = sorted({r.subscribers for rows, *_ in runs for r in rows})
    head = ["run", "load 1/5/15 at start", "at end", "idle p50 ms (sb / PG)"]
    for n in counts:
        head += [f"{n:,}: p50 ms (sb / PG)", f"{n:,}: p99 ms (sb / PG)",
                 f"{n:,}: live s (sb / PG)"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for index, (rows, idle, started, ended) in enumerate(runs, start=1):
        cells = [str(index), loads_text(started), loads_text(ended),
                 f"{_ms(idle[SALONBOOK])} / {_ms(idle[PEER])}"]  # fmt: skip
        for ours, theirs in pairs(rows):
            cells += [f"{_ms(ours.p50)} / {_ms(theirs.p50)}",
                      f"{_ms(ours.p99)} / {_ms(theirs.p99)}",
                      f"{ours.live:.2f} / {theirs.live:.2f}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(runs: Sequence[Run], *, where: str, args: argparse.Namespace) -> str:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    text = [
        f"# Subscriptions beside PostGraphile v5{' (smoke sizes)' if args.smoke else ''}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {where}; {machine}; Python "
        f"{platform.python_version()}; salonbook: one uvicorn process, PostGraphile 5: one Node "
        f"process, its events' booking {PEER_BOOKING[args.peer_booking]} (server.mjs); "
        f"{args.events} measured changes per count, each once the previous reached every "
        f"subscriber; {args.idle} idle changes, {args.idle_spacing_ms:g} ms apart. Ratios: "
        "PostGraphile ÷ salonbook (≥ 1.0: salonbook at least as good). bench/live_peer.py "
        "says what each figure is.",
        "",
    ]
    if len(runs) > 1:
        text += [repeat_table(runs), ""]
    for index, (rows, idle, started, ended) in enumerate(runs, start=1):
        text += [
            f"## Run {index}: load average (1/5/15) {loads_text(started)} at the start, "
            f"{loads_text(ended)} at the end",
            "",
            side_by_side_table(rows, idle),
            "",
        ]
    return "\n".join(text)
