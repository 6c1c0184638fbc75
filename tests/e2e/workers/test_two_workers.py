"""`salonbook serve --workers 2`, one start for these tests: the metrics count the requests of
both workers exactly, a subscriber on either worker gets every event whichever worker (or
process) made the change, and one worker sweeps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.db.leases import SWEEPER_LOCK
from tests.e2e.workers.support import (
    REQUESTS,
    WEBSOCKETS,
    all_live,
    busy,
    environment,
    new_connections,
    scraped,
    shown_to_all,
    subscribers_on_both_workers,
    worker_pids,
)
from tests.support.factory import Factory
from tests.support.processes import SERVE_TWO_WORKERS, ServerProcess, servers

CONFIRM = """
mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: CONFIRM}) {
  __typename } }
"""
QUERIES_OK = (REQUESTS, (("operation_type", "query"), ("outcome", "ok")))


@pytest.fixture(scope="module")
async def two_workers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[ServerProcess, Path]]:
    metrics = tmp_path_factory.mktemp("metrics")
    chosen = environment(database_url=database_url, metrics=metrics, sweep_seconds=0.2)
    logs = tmp_path_factory.mktemp("two-workers")
    async with servers(["workers"], environment=chosen, logs=logs, command=SERVE_TWO_WORKERS) as (
        server,
    ):
        yield server, metrics


async def test_the_metrics_count_every_request_of_every_worker_exactly(
    two_workers: tuple[ServerProcess, Path],
) -> None:
    server, metrics = two_workers
    before = (await scraped(server)).get(QUERIES_OK, 0.0)
    sent = 0
    while sent < 200 and len(busy(metrics, kind="counter", sample=REQUESTS)) < 2:
        await new_connections(server, 10)
        sent += 10
    answered_by = busy(metrics, kind="counter", sample=REQUESTS)
    found = await scraped(server)
    assert answered_by == worker_pids(server) and len(answered_by) == 2
    assert found[QUERIES_OK] == before + sent
    assert found["salonbook_server_processes", ()] == 2
    assert found["salonbook_db_pool_size", ()] == 2 * 10  # summed: both workers' pools


async def test_a_subscriber_on_either_worker_gets_every_event(
    two_workers: tuple[ServerProcess, Path], factory: Factory
) -> None:
    """Both workers hold subscribers; changes are made through one worker or the other (each
    request on a connection of its own), so each subscriber hears of changes made by the
    other process, through its own worker's LISTEN connection and tailer."""
    server, metrics = two_workers
    party = await factory.party()
    async with AsyncExitStack() as stack:
        subscribers = await subscribers_on_both_workers(
            stack, server, metrics, token=factory.token(party.admin), party=party
        )
        assert len(busy(metrics, kind="gauge_livesum", sample=WEBSOCKETS)) == 2
        booking_id = await all_live(subscribers, server, factory, party)
        confirmed = await server.gql(CONFIRM, {"id": booking_id}, token=factory.token(party.system))
        assert confirmed == {
            "data": {"transitionBooking": {"__typename": "TransitionBookingSuccess"}}
        }
        assert await shown_to_all(subscribers, booking_id, "STATUS_CHANGED") == len(subscribers)


async def test_one_worker_sweeps(
    two_workers: tuple[ServerProcess, Path], engine: AsyncEngine
) -> None:
    """Both sweep every 0.2 s; one holds the sweeper's lease from the start and the other skips."""
    server, _ = two_workers
    holders = server.log.read_text().count("sweeper: this process holds the lease")
    async with engine.connect() as connection:
        held = await connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND (classid::bigint << 32 | objid::bigint) = :key AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": SWEEPER_LOCK},
        )
        assert held.scalar_one() == 1
    assert holders == 1
