"""Which database role migrates and which serves: `salonbook migrate` runs as the owner and
grants the app role what serving needs; in production `serve` refuses a superuser or the
owner (development may use either); a schema behind the code is refused everywhere."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import pytest
from alembic import command

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db import migrate
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE
from salonbook.db.serving_role import ServingRoleRefused, prepare_database
from salonbook.db.urls import async_url, plain_url
from salonbook.domain.clock import SettableClock
from tests.support.databases import as_role, own_database, with_database
from tests.support.processes import ROOT

PRODUCTION = {
    "SALONBOOK_ENV": "production",
    "SALONBOOK_JWT_SECRET": "a-production-secret-of-forty-bytes-or-so!",
    "SALONBOOK_PAYMENT_WEBHOOK_SECRET": "a-production-webhook-secret",
    "SALONBOOK_METRICS_TOKEN": "a-production-metrics-token",
    "SALONBOOK_SWEEP_SECONDS": "0",
}
DEVELOPMENT = {"SALONBOOK_ENV": "development", "SALONBOOK_SWEEP_SECONDS": "0"}
SUPERUSER = "is a superuser"
OWNER = "owns the tables (or is a member of their owner)"


def _urls(server_url: str, database: str) -> dict[str, str]:
    return {
        "superuser": async_url(with_database(server_url, database)),
        "owner": async_url(with_database(as_role(server_url, OWNER_ROLE), database)),
        "app": async_url(with_database(as_role(server_url, APP_ROLE), database)),
    }


def _environment(**chosen: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SALONBOOK_") and name not in ("DATABASE_URL", "BROADCAST_URL")
    }
    return inherited | {"PYTHONUNBUFFERED": "1"} | chosen


async def _salonbook(*arguments: str, **environment: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "salonbook.cli", *arguments, cwd=ROOT,
        env=_environment(**environment),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode()


@pytest.fixture
async def fresh_database(server_url: str) -> AsyncIterator[dict[str, str]]:
    """An empty database owned by the owner role, next to the suite's; its URLs by role."""
    async with own_database(server_url, prefix="salonbook_roles", owner=OWNER_ROLE) as name:
        yield _urls(server_url, name)


async def test_migrate_runs_as_the_owner_and_grants_the_app_role_what_serving_needs(
    fresh_database: dict[str, str],
) -> None:
    code, printed = await _salonbook(
        "migrate",
        SALONBOOK_MIGRATION_DATABASE_URL=plain_url(fresh_database["owner"]),
        DATABASE_URL=plain_url(fresh_database["app"]),
    )
    assert (code, printed.splitlines()[-1]) == (0, f"migrated to {migrate.head_revision()}")
    app = await asyncpg.connect(plain_url(fresh_database["app"]))
    try:
        owners = await app.fetch("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1",
                                 "public")  # fmt: skip
        readable = await app.fetchval("SELECT has_table_privilege('bookings', 'SELECT')")
        status = await app.fetchval("SELECT has_column_privilege('bookings', 'status', 'UPDATE')")
    finally:
        await app.close()
    assert ([row["tableowner"] for row in owners], readable, status) == ([OWNER_ROLE], True, False)


async def test_migrating_again_takes_back_what_else_the_app_role_was_given(
    fresh_database: dict[str, str],
) -> None:
    owner = fresh_database["owner"]
    await migrate.upgrade(owner, app_role=APP_ROLE)
    connection = await asyncpg.connect(plain_url(owner))
    try:
        await connection.execute(f"GRANT UPDATE, DELETE ON booking_status_history TO {APP_ROLE}")
        await connection.execute(f"GRANT UPDATE ON bookings TO {APP_ROLE}")
        await migrate.upgrade(owner, app_role=APP_ROLE)
        given = await connection.fetchval(
            "SELECT has_table_privilege($1, 'booking_status_history', 'UPDATE, DELETE')"
            " OR has_column_privilege($1, 'bookings', 'status', 'UPDATE')",
            APP_ROLE,
        )
    finally:
        await connection.close()
    assert given is False


async def test_a_downgrade_undoes_the_roles_migration_and_an_upgrade_redoes_it(
    fresh_database: dict[str, str],
) -> None:
    owner = fresh_database["owner"]
    await migrate.upgrade(owner, app_role=APP_ROLE)
    await asyncio.to_thread(command.downgrade, migrate.alembic_config(owner), "0004")
    connection = await asyncpg.connect(plain_url(owner))
    try:
        gone = await connection.fetchval("SELECT to_regclass('person_erasures') IS NULL")
        definer = await connection.fetchval(
            "SELECT prosecdef FROM pg_proc WHERE proname = 'change_booking_status'"
        )
        await migrate.upgrade(owner, app_role=APP_ROLE)
        back = await connection.fetchval("SELECT version_num FROM alembic_version")
        definer_again = await connection.fetchval(
            "SELECT prosecdef FROM pg_proc WHERE proname = 'change_booking_status'"
        )
    finally:
        await connection.close()
    assert (gone, definer, back, definer_again) == (True, False, migrate.head_revision(), True)


@pytest.mark.parametrize(
    ("role", "powers"),
    [("superuser", [SUPERUSER, OWNER, "owns the schema", "owns the database",
                    "may create objects in the schema", "may create roles"]),
     ("owner", [OWNER, "owns the schema", "owns the database",
                "may create objects in the schema"])],
)  # fmt: skip
async def test_production_refuses_to_serve_as_a_superuser_or_the_owner(
    server_url: str, session_database: str, clock: SettableClock, role: str, powers: list[str]
) -> None:
    url = _urls(server_url, session_database)[role]
    application = create_app(Settings(DATABASE_URL=url, **PRODUCTION), clock=clock)  # type: ignore[call-arg, arg-type]
    with pytest.raises(ServingRoleRefused) as refused:
        async with application.router.lifespan_context(application):
            pass
    message = str(refused.value)
    assert message.startswith('SALONBOOK_ENV=production does not serve as database role "')
    for power in powers:
        assert power in message, power


@pytest.mark.parametrize("role", ["superuser", "owner"])
async def test_serve_says_why_it_will_not_start_and_exits(
    server_url: str, session_database: str, role: str
) -> None:
    url = plain_url(_urls(server_url, session_database)[role])
    code, printed = await _salonbook("serve", "--port", "0", DATABASE_URL=url, **PRODUCTION)
    assert code == 2
    assert printed.startswith("salonbook serve: SALONBOOK_ENV=production does not serve as")
    assert "Uvicorn running" not in printed


@pytest.mark.parametrize(
    ("environment", "role"),
    [(PRODUCTION, "app"), (DEVELOPMENT, "owner"), (DEVELOPMENT, "superuser")],
)  # fmt: skip
async def test_the_app_role_serves_anywhere_and_the_owner_in_development(
    server_url: str,
    session_database: str,
    clock: SettableClock,
    environment: dict[str, str],
    role: str,
) -> None:
    url = _urls(server_url, session_database)[role]
    settings = Settings(DATABASE_URL=url, **environment)  # type: ignore[call-arg, arg-type]
    application = create_app(settings, clock=clock)
    async with application.router.lifespan_context(application):
        engine = application.state.runtime.deps.engine
        async with engine.connect() as connection:
            serving = (await connection.exec_driver_sql("SELECT current_user")).scalar_one()
    assert serving == url.split("//")[1].split("@")[0]


async def test_a_schema_behind_the_code_is_refused_before_serving(
    fresh_database: dict[str, str],
) -> None:
    for production in (True, False):
        with pytest.raises(ServingRoleRefused) as refused:
            await prepare_database(url=fresh_database["app"], owner_url=None, production=production)
        assert str(refused.value) == (
            f"the database is at migration (none), this code needs {migrate.head_revision()}:"
            " run `salonbook migrate` (as the owner) first"
        )


async def test_serve_in_production_says_to_migrate_first(fresh_database: dict[str, str]) -> None:
    url = plain_url(fresh_database["app"])
    code, printed = await _salonbook("serve", "--port", "0", DATABASE_URL=url, **PRODUCTION)
    assert (code, printed) == (
        2,
        f"salonbook serve: the database is at migration (none), this code needs"
        f" {migrate.head_revision()}: run `salonbook migrate` (as the owner) first\n",
    )


async def test_serve_with_a_placeholder_secret_says_which_and_exits() -> None:
    code, printed = await _salonbook(
        "serve", "--port", "0", **(PRODUCTION | {"SALONBOOK_JWT_SECRET": "changeme"})
    )
    # one line an operator can act on, and no traceback
    assert (code, printed) == (
        2,
        "salonbook: SALONBOOK_ENV=production needs real secrets; missing or placeholder:"
        " SALONBOOK_JWT_SECRET of 32+ bytes (or SALONBOOK_JWKS_FILE)\n",
    )
