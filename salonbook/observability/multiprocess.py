"""Metrics across the worker processes of `salonbook serve --workers N`: prometheus-client's
multiprocess mode. The parent sets PROMETHEUS_MULTIPROC_DIR (a fresh directory) before the
workers start; then every counter and histogram is kept in a file per process there, and a
scrape, whichever worker answers it, reads them all.

What the collectors read at scrape time (open websockets, live subscriptions, the database
pool, the listener's reconnects) is one process's state, which another process cannot read:
each worker writes its readings to the shared files every second, and at each scrape it
answers. Gauges are summed over the live workers (`livesum`: a stopped worker's files are
removed by `mark_process_dead`), so `salonbook_db_pool_size` is the pool of all workers;
`salonbook_server_processes` says how many that is. The reconnects stay a counter, whose sum
keeps what stopped workers counted."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
SHARE_EVERY_SECONDS = 1.0


def shared_dir() -> Path | None:
    """Where the processes' metric files are, in multiprocess mode; None otherwise. It must be
    set before prometheus_client is imported (it then picks its value class)."""
    found = os.environ.get(MULTIPROCESS_DIR)
    return Path(found) if found else None


def prepare_shared_dir(directory: Path) -> None:
    """Before the workers start: the directory exists and holds no file of an earlier run."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.db"):
        old.unlink()


def process_gone(pid: int, *, directory: Path) -> None:
    """A worker exited: its gauges no longer count (its counters and histograms still do)."""
    mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


class SharedReadings:
    """This process's scrape-time readings (`source`), written to the shared files."""

    def __init__(self, source: Collector, *, directory: Path) -> None:
        self._source = source
        self._directory = directory
        self._gauges: dict[str, Gauge] = {}
        self._counters: dict[str, Counter] = {}
        self._counted: dict[tuple[str, tuple[str, ...]], float] = {}
        processes = Gauge(
            "salonbook_server_processes",
            "Server processes serving (the workers of salonbook serve)",
            multiprocess_mode="livesum",
            registry=None,
        )
        processes.set(1)

    def write(self) -> None:
        for family in self._source.collect():
            for sample in family.samples:
                names = tuple(sorted(sample.labels))
                values = tuple(sample.labels[name] for name in names)
                if family.type == "gauge":
                    gauge = self._gauges.get(family.name)
                    if gauge is None:
                        gauge = self._gauges[family.name] = Gauge(
                            family.name, family.documentation, names,
                            multiprocess_mode="livesum", registry=None,
                        )  # fmt: skip
                    (gauge.labels(*values) if names else gauge).set(sample.value)
                elif family.type == "counter" and sample.name.endswith("_total"):
                    counter = self._counters.get(family.name)
                    if counter is None:
                        counter = self._counters[family.name] = Counter(
                            family.name, family.documentation, names, registry=None
                        )
                    before = self._counted.get((family.name, values), 0.0)
                    if sample.value > before:
                        (counter.labels(*values) if names else counter).inc(sample.value - before)
                        self._counted[family.name, values] = sample.value

    def exposition(self) -> bytes:
        """Every process's metrics, this one's readings fresh."""
        self.write()
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self._directory))  # type: ignore[no-untyped-call]
        return generate_latest(registry)

    @contextlib.asynccontextmanager
    async def written_while_serving(self) -> AsyncIterator[None]:
        """Writes the readings every second while the block runs; at its end this process's
        gauges are taken out of the sums."""

        async def keep_writing() -> None:
            while True:
                self.write()
                await asyncio.sleep(SHARE_EVERY_SECONDS)

        writer = asyncio.create_task(keep_writing(), name="salonbook-shared-readings")
        try:
            yield
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            process_gone(os.getpid(), directory=self._directory)
