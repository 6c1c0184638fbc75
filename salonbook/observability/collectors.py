"""What is read at scrape time rather than counted on the request path: the open websockets,
the database pool, the live subscriptions, and the listener's reconnects."""

from __future__ import annotations

from collections.abc import Iterator, Sized
from typing import TYPE_CHECKING, Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy.pool import QueuePool

from salonbook.realtime.listener import PostgresListenBackend

if TYPE_CHECKING:
    from salonbook.realtime.delivery import StreamParts


class Runtime(Protocol):
    """What is read of the app's runtime (salonbook/api/endpoint.py), with `deps` once the
    lifespan has opened them."""

    @property
    def websockets(self) -> Sized: ...

    @property
    def stream(self) -> StreamParts | None: ...


class RuntimeCollector:
    """Reads the parts the lifespan opened; before they exist it reports nothing."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "salonbook_websocket_connections",
            "Open websocket connections to /graphql",
            value=len(self._runtime.websockets),
        )
        deps = getattr(self._runtime, "deps", None)
        if deps is not None:
            yield from _pool(deps.engine.pool)
        stream = self._runtime.stream
        if stream is None:
            return
        yield GaugeMetricFamily(
            "salonbook_subscriptions_active",
            "bookingEvents subscriptions registered with this process's outbox tailer",
            value=stream.tailer.feed_count,
        )
        if stream.listener is not None:
            reconnects = CounterMetricFamily(
                "salonbook_listener_reconnects",
                "Times the realtime listener connection was lost and made again",
                labels=["backend"],
            )
            backend = "postgres" if isinstance(stream.listener, PostgresListenBackend) else "redis"
            reconnects.add_metric([backend], stream.listener.reconnects)
            yield reconnects


def _pool(pool: object) -> Iterator[Metric]:
    if not isinstance(pool, QueuePool):
        return
    gauges = {
        "size": ("Connections the pool keeps", pool.size()),
        "checked_out": ("Connections in use", pool.checkedout()),
        # SQLAlchemy counts overflow from -size; only connections beyond the size matter
        "overflow": ("Connections open beyond the pool size", max(0, pool.overflow())),
        "max_overflow": ("Connections allowed beyond the pool size", pool._max_overflow),
    }
    for name, (documentation, value) in gauges.items():
        yield GaugeMetricFamily(f"salonbook_db_pool_{name}", documentation, value=value)
