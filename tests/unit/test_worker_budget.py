"""How many worker processes `salonbook serve` starts, against the database's connections."""

from __future__ import annotations

import pytest

from salonbook.config import Settings
from salonbook.workers.budget import ConnectionBudget, ServerLimit, TooManyConnections, worker_count

BUDGET = ConnectionBudget(pool_size=10, tailing=2, listening=1, sweeping=1)  # 14 a process
LIMIT = ServerLimit(max_connections=100, reserved=3, role_limit=None, database_limit=None)


def test_each_process_needs_its_pool_the_tailers_its_listener_and_the_sweepers_lease() -> None:
    settings = Settings(SALONBOOK_DB_POOL_SIZE=7, SALONBOOK_SWEEP_SECONDS=0)  # type: ignore[call-arg]
    assert ConnectionBudget.of(settings).per_process == 10
    assert BUDGET.per_process == 14


def test_an_asked_count_that_fits_is_kept() -> None:
    assert worker_count(asked=6, cpus=2, budget=BUDGET, limit=LIMIT) == 6  # 84 of 97


def test_an_asked_count_that_does_not_fit_is_refused_saying_the_sums() -> None:
    with pytest.raises(TooManyConnections) as refused:
        worker_count(asked=7, cpus=2, budget=BUDGET, limit=LIMIT)
    assert str(refused.value) == (
        "7 workers need up to 98 database connections (14 each: SALONBOOK_DB_POOL_SIZE=10 +"
        " 2 tailer + 1 LISTEN + 1 sweeper), but PostgreSQL allows 97 (max_connections 100 - 3"
        " reserved); lower --workers (SALONBOOK_WORKERS) or SALONBOOK_DB_POOL_SIZE, or raise"
        " max_connections"
    )


def test_the_default_is_one_per_cpu_lowered_to_what_fits() -> None:
    assert worker_count(asked=None, cpus=4, budget=BUDGET, limit=LIMIT) == 4
    assert worker_count(asked=None, cpus=64, budget=BUDGET, limit=LIMIT) == 6


def test_the_role_and_database_connection_limits_count_too() -> None:
    limited = ServerLimit(max_connections=100, reserved=3, role_limit=30, database_limit=50)
    assert limited.available == 30
    assert worker_count(asked=None, cpus=4, budget=BUDGET, limit=limited) == 2
    with pytest.raises(TooManyConnections, match="the role's CONNECTION LIMIT 30"):
        worker_count(asked=3, cpus=4, budget=BUDGET, limit=limited)


def test_when_not_even_one_process_fits_the_default_is_refused_too() -> None:
    tiny = ServerLimit(max_connections=10, reserved=3, role_limit=None, database_limit=None)
    with pytest.raises(TooManyConnections):
        worker_count(asked=None, cpus=2, budget=BUDGET, limit=tiny)
