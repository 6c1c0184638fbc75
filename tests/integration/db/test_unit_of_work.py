"""A unit of work is one transaction whether its statements go through SQLAlchemy or straight
to the driver; the driver's statements refuse to run outside one; a unit broken or interrupted
half-way leaves nothing behind, in the database or in the pool."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import pytest
from graphql import GraphQLError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.api.execution.top_level_errors import shape_error
from salonbook.db import bookings
from salonbook.db.engine import TransactionFailed, driver_of, unit_of_work
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.use_cases.seeding import take_action
from tests.support.factory import Factory

XID = "SELECT pg_current_xact_id()::text"
INSERT_SERVICE = text(
    "INSERT INTO services (id, name, duration_minutes, price_cents, currency, active,"
    " created_at, updated_at) VALUES (:id, :name, 30, 1000, 'EUR', true, now(), now())"
)


class GiveUp(Exception):
    """Leaves a unit of work half-way."""


async def test_statements_through_sqlalchemy_and_the_driver_are_one_transaction(
    engine: AsyncEngine,
) -> None:
    async with unit_of_work(engine) as connection:
        through_sqlalchemy = (await connection.execute(text(XID))).scalar_one()
        through_driver = await driver_of(connection).fetchval(XID)
    async with unit_of_work(engine) as connection:
        next_one = await driver_of(connection).fetchval(XID)

    assert through_sqlalchemy == through_driver
    assert next_one != through_driver


async def test_a_unit_left_half_way_keeps_nothing_of_either_kind_of_statement(
    engine: AsyncEngine, factory: Factory, db: Any
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    admin = Actor(party.admin.id, Role.ADMIN)

    with pytest.raises(GiveUp):
        async with unit_of_work(engine) as connection:
            await take_action(  # the driver: the status change, its audit row and event
                connection, booking=booking.facts, action=BookingAction.CANCEL, actor=admin,
                at=factory.clock.now(),
            )  # fmt: skip
            await connection.execute(  # SQLAlchemy
                text("UPDATE people SET display_name = 'renamed' WHERE id = :id"),
                {"id": party.stylist.id},
            )
            raise GiveUp

    row = await db.fetchrow("SELECT status, version FROM bookings WHERE id = $1", booking.id)
    history = await db.fetchval(
        "SELECT count(*) FROM booking_status_history WHERE booking_id = $1", booking.id
    )
    name = await db.fetchval("SELECT display_name FROM people WHERE id = $1", party.stylist.id)
    assert (row["status"], row["version"]) == ("CONFIRMED", booking.facts.version)
    assert history == booking.facts.version - 1  # only the changes made before
    assert name == party.stylist.display_name


async def test_the_driver_statements_refuse_to_run_outside_a_transaction(
    engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    stylist = Actor(party.stylist.id, Role.STYLIST)

    async with engine.connect() as connection:
        with pytest.raises(RuntimeError, match="needs a transaction"):
            await bookings.lock(connection, booking_id=booking.id, viewer=stylist)
    async with engine.begin() as connection:  # SQLAlchemy's transaction begins lazily
        with pytest.raises(RuntimeError, match="needs a transaction"):
            await bookings.lock(connection, booking_id=booking.id, viewer=stylist)


async def test_a_unit_whose_backend_is_terminated_fails_as_an_outage_and_the_next_one_runs(
    lone_engine: AsyncEngine, db: Any
) -> None:
    with pytest.raises(Exception) as raised:
        async with unit_of_work(lone_engine) as connection:
            driver = driver_of(connection)
            pid = await driver.fetchval("SELECT pg_backend_pid()")
            assert await db.fetchval("SELECT pg_terminate_backend($1, 10000)", pid) is True
            await driver.fetchval("SELECT 1")
    shaped = shape_error(GraphQLError("boom", original_error=raised.value))

    async with unit_of_work(lone_engine) as connection:
        replacement = await driver_of(connection).fetchval("SELECT pg_backend_pid()")

    assert shaped.extensions == {"code": "SERVICE_UNAVAILABLE", "retryable": True}
    assert replacement != pid


async def test_a_unit_cancelled_mid_statement_returns_its_connection_outside_a_transaction(
    lone_engine: AsyncEngine, db: Any
) -> None:
    started = asyncio.Event()

    async def sleeper() -> None:
        async with unit_of_work(lone_engine) as connection:
            started.set()
            await driver_of(connection).execute("SELECT pg_sleep(30)")

    task = asyncio.create_task(sleeper())
    await started.wait()
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with lone_engine.connect() as connection:
        in_transaction = driver_of(connection).is_in_transaction()
        pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    state = await db.fetchval("SELECT state FROM pg_stat_activity WHERE pid = $1", pid)

    assert in_transaction is False
    assert state == "idle"


async def test_a_unit_cancelled_mid_sqlalchemy_statement_leaves_cancelled(
    lone_engine: AsyncEngine, db: Any
) -> None:
    """SQLAlchemy closes a connection whose statement was cancelled; the unit still ends with
    the CancelledError (asyncpg's transaction exit would raise InterfaceError in its place,
    and a loop that logs errors and goes on would never stop)."""
    sleeping: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def sleeper() -> None:
        async with unit_of_work(lone_engine) as connection:
            sleeping.set_result(await driver_of(connection).fetchval("SELECT pg_backend_pid()"))
            await connection.execute(text("SELECT pg_sleep(30)"))

    task = asyncio.create_task(sleeper())
    pid = await sleeping
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with unit_of_work(lone_engine) as connection:
        replacement = await driver_of(connection).fetchval("SELECT pg_backend_pid()")
    for _ in range(100):  # the closed connection's backend ends its cancelled statement
        if await db.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid) == 0:
            break
        await asyncio.sleep(0.05)

    assert replacement != pid
    assert await db.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid) == 0


async def test_a_unit_on_a_connection_whose_begin_was_cancelled_still_commits(
    lone_engine: AsyncEngine, db: Any
) -> None:
    """A BEGIN cancelled before its reply was read leaves asyncpg believing a transaction of
    its own is open on the connection; a unit of work that then used asyncpg's transactions
    would run as a savepoint of it, "commit" by releasing the savepoint, and lose everything
    when the connection was closed. Found by a CI-like run: run_in_transaction returned success
    and its insert was not there."""
    name = f"after-a-cancelled-begin-{uuid.uuid4().hex[:8]}"
    async with lone_engine.connect() as connection:
        begin = asyncio.ensure_future(driver_of(connection).transaction().start())
        await asyncio.sleep(0)  # BEGIN is sent; its reply is not read yet
        begin.cancel()
        with pytest.raises(asyncio.CancelledError):
            await begin

    async with unit_of_work(lone_engine) as connection:
        await connection.execute(INSERT_SERVICE, {"id": uuid.uuid4(), "name": name})

    assert await db.fetchval("SELECT count(*) FROM services WHERE name = $1", name) == 1


async def test_a_unit_whose_work_carried_on_after_a_database_error_commits_nothing(
    engine: AsyncEngine, db: Any
) -> None:
    """PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error: the unit
    says so instead of returning as if its work were stored."""
    name = f"after-a-caught-error-{uuid.uuid4().hex[:8]}"
    with pytest.raises(TransactionFailed, match="nothing was committed"):
        async with unit_of_work(engine) as connection:
            await connection.execute(INSERT_SERVICE, {"id": uuid.uuid4(), "name": name})
            with contextlib.suppress(DBAPIError):
                await connection.execute(text("SELECT 1 / 0"))

    assert await db.fetchval("SELECT count(*) FROM services WHERE name = $1", name) == 0


async def test_a_connection_returned_inside_a_transaction_is_never_handed_out_again(
    lone_engine: AsyncEngine,
) -> None:
    async with lone_engine.connect() as connection:
        left = driver_of(connection)
        await left.execute("BEGIN")  # and given back without an end

    async with lone_engine.connect() as connection:
        handed_out = driver_of(connection)
        in_transaction = handed_out.is_in_transaction()

    assert handed_out is not left and left.is_closed()
    assert in_transaction is False
