"""The application's Prometheus metrics, in a registry of its own (several apps can live in
one process, as they do in the tests). Counted on the request path: a few increments only;
what can be read from state (the pool, subscriptions, reconnects) is read at scrape time.
Under `salonbook serve --workers N` they are shared between the processes
(observability/multiprocess.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric

from salonbook.observability.multiprocess import SharedReadings, shared_dir

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""What prometheus_client itself answers with `generate_latest` when no OpenMetrics is asked."""

M = TypeVar("M", Counter, Histogram)
CHILDREN_KEPT = 256
"""Label combinations whose child each metric keeps at hand (the request path has a handful:
operation types times the outcomes it meets)."""


class Children(Generic[M]):
    """A labelled metric's children by their label values, looked up with one dict read on the
    request path instead of `labels()` (which checks the values and takes a lock each time).
    At most CHILDREN_KEPT are kept; past that, `labels()` answers as before."""

    def __init__(self, metric: M, most: int = CHILDREN_KEPT) -> None:
        self._metric: M = metric
        self._most = most
        self._kept: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        found = self._kept.get(values)
        if found is None:
            found = self._metric.labels(*values)
            if len(self._kept) < self._most:
                self._kept[values] = found
        return found

    def __len__(self) -> int:
        return len(self._kept)


LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "salonbook_requests",
            "HTTP requests to /graphql and /webhooks/payments, and GraphQL operations over "
            "websockets, by operation type and outcome (ok, or the error codes)",
            ["operation_type", "outcome"],
            registry=self.registry,
        )
        self.request_duration = Histogram(
            "salonbook_request_duration_seconds",
            "Time to answer an HTTP request to /graphql or /webhooks/payments",
            ["operation_type"],
            registry=self.registry,
        )
        self.mutation_results = Counter(
            "salonbook_mutation_results",
            "Mutation results by mutation and result: the success type or the error code",
            ["mutation", "result"],
            registry=self.registry,
        )
        self.delivery_lag = Histogram(
            "salonbook_event_delivery_lag_seconds",
            "From a booking event's time to its sending to a live subscriber",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.requests_of = Children(self.requests)
        self.request_duration_of = Children(self.request_duration)
        self.mutation_results_of = Children(self.mutation_results)

        directory = shared_dir()
        self.shared = SharedReadings(self, directory=directory) if directory else None

    def collect(self) -> Iterator[Metric]:
        """The readings of the registry's other collectors (RuntimeCollector): what the counted
        metrics above do not hold."""
        counted = {
            family.name
            for metric in (
                self.requests, self.request_duration, self.mutation_results, self.delivery_lag
            )
            for family in metric.describe()
        }  # fmt: skip
        for family in self.registry.collect():
            if family.name not in counted:
                yield family

    def exposition(self) -> bytes:
        if self.shared is not None:
            return self.shared.exposition()
        return generate_latest(self.registry)

    @contextlib.asynccontextmanager
    async def shared_while_serving(self) -> AsyncIterator[None]:
        """In multiprocess mode, this process's readings reach the other processes' scrapes."""
        if self.shared is None:
            yield
            return
        async with self.shared.written_while_serving():
            yield
