"""Running a use case's writes: in one transaction, at most once per idempotency key, or
statement by statement; either way retried once after an abort, and announced once committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from salonbook.db import idempotency
from salonbook.db.engine import TransactionAborted, statement_by_statement, unit_of_work
from salonbook.db.idempotency import KeyTakenMeanwhile, KeyUse
from salonbook.domain.errors import ConcurrentUpdate
from salonbook.use_cases.deps import Deps

Work = Callable[[AsyncConnection], Awaitable[dict[str, Any]]]
RETRIES_AFTER_ABORT = 1


async def run_in_transaction(deps: Deps, *, use: KeyUse | None, work: Work) -> dict[str, Any]:
    """Do the work in one transaction; with a key, a replay returns the stored first result."""
    now = deps.clock.now()
    ttl = deps.idempotency_ttl
    retries = RETRIES_AFTER_ABORT
    for _ in range(2 + RETRIES_AFTER_ABORT):
        try:
            async with unit_of_work(deps.engine) as connection:
                if use is not None:
                    stored = await idempotency.stored_result(connection, use=use, now=now, ttl=ttl)
                    if stored is not None:
                        return stored
                result = await work(connection)
                if use is not None:
                    await idempotency.remember(connection, use=use, result=result, now=now, ttl=ttl)
        except KeyTakenMeanwhile:
            continue  # the other request committed first: the next round replays its result
        except TransactionAborted:
            if retries == 0:
                raise
            retries -= 1  # rolled back whole: run it again against what the winner committed
            continue
        await deps.announce()  # committed: tell the broadcast, if it needs telling
        return result
    raise ConcurrentUpdate("the same idempotency key is being used concurrently; try again")


async def run_without_transaction(deps: Deps, *, work: Work) -> dict[str, Any]:
    """Work whose one write is a single statement, atomic by itself, run without a transaction
    around it (no BEGIN, no COMMIT). An aborted statement (a deadlock victim, or a booking
    changed since it was read) runs the work again, reading afresh, once."""
    retries = RETRIES_AFTER_ABORT
    while True:
        try:
            async with statement_by_statement(deps.engine) as connection:
                result = await work(connection)
        except TransactionAborted:
            if retries == 0:
                raise
            retries -= 1
            continue
        await deps.announce()
        return result
