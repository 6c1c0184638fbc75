"""A transaction PostgreSQL aborts as a deadlock victim (concurrent inserts checked by the
overlap exclusion constraint can deadlock) or a serialization failure is run once more; if it
is aborted again the caller gets CONCURRENT_UPDATE, and nothing of either attempt is kept."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.errors import ConcurrentUpdate, ErrorCode
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.transactions import Work, run_in_transaction

INSERT = text(
    "INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,"
    " created_at, updated_at) VALUES (:id, :name, 30, 1000, 'EUR', true, now(), now())"
)


def abort_with(sqlstate: str) -> Any:
    return text(f"DO $$ BEGIN RAISE EXCEPTION 'aborted' USING ERRCODE = '{sqlstate}'; END $$")


async def names(engine: AsyncEngine, name: str) -> int:
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM services WHERE name = :name"), {"name": name}
        )
    return int(found or 0)


def inserting(name: str, attempts: list[int], *, aborted: str, times: int) -> Work:
    """Work that inserts a service named `name`, then is aborted with SQLSTATE `aborted` on
    each of its first `times` attempts (counted in `attempts`)."""

    async def work(connection: AsyncConnection) -> dict[str, Any]:
        attempts.append(1)
        await connection.execute(INSERT, {"id": uuid.uuid4(), "name": name})
        if len(attempts) <= times:
            await connection.execute(abort_with(aborted))
        return {"done": True}

    return work


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
async def test_an_aborted_transaction_runs_once_more(
    app: Starlette, engine: AsyncEngine, sqlstate: str
) -> None:
    deps: Deps = app.state.runtime.deps
    name, attempts = f"retry-{uuid.uuid4().hex[:8]}", list[int]()

    work = inserting(name, attempts, aborted=sqlstate, times=1)
    assert await run_in_transaction(deps, use=None, work=work) == {"done": True}
    assert len(attempts) == 2
    assert await names(engine, name) == 1  # the aborted attempt's insert is gone


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
async def test_aborted_twice_is_a_concurrent_update_that_keeps_nothing(
    app: Starlette, engine: AsyncEngine, sqlstate: str
) -> None:
    deps: Deps = app.state.runtime.deps
    name, attempts = f"retry-{uuid.uuid4().hex[:8]}", list[int]()

    with pytest.raises(ConcurrentUpdate) as refused:
        await run_in_transaction(
            deps, use=None, work=inserting(name, attempts, aborted=sqlstate, times=2)
        )
    assert refused.value.code is ErrorCode.CONCURRENT_UPDATE
    assert len(attempts) == 2
    assert await names(engine, name) == 0


async def test_a_lock_not_available_is_not_retried(app: Starlette, engine: AsyncEngine) -> None:
    deps: Deps = app.state.runtime.deps
    name, attempts = f"busy-{uuid.uuid4().hex[:8]}", list[int]()

    with pytest.raises(ConcurrentUpdate):
        await run_in_transaction(
            deps, use=None, work=inserting(name, attempts, aborted="55P03", times=1)
        )
    assert len(attempts) == 1  # NOWAIT found the row busy: the caller decides
    assert await names(engine, name) == 0
