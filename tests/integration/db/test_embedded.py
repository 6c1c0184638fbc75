"""The embedded PostgreSQL that the service and the tests start when no DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import psutil  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from salonbook.db import migrate
from salonbook.db.embedded import start_embedded
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE
from salonbook.db.urls import plain_url


def _running(pid: int) -> bool:
    """Whether pid is a live process; a zombie waiting for init to reap it does not count."""
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


async def test_fresh_server_is_postgres_18_with_btree_gist_and_stops(tmp_path: Path) -> None:
    data_dir = tmp_path / "embedded"
    db = await asyncio.to_thread(start_embedded, data_dir=data_dir, fresh=True)
    try:
        server_processes = [db.pid, *(p.pid for p in psutil.Process(db.pid).children())]
        connection = await asyncpg.connect(db.dsn)
        try:
            version = await connection.fetchval("select version()")
            await connection.execute("create extension btree_gist")
            extensions = await connection.fetchval(
                "select count(*) from pg_extension where extname = 'btree_gist'"
            )
        finally:
            await connection.close()

        engine = create_async_engine(db.url)
        try:
            async with engine.connect() as sa_connection:
                result = await sa_connection.execute(text("select current_database()"))
                database = result.scalar_one()
        finally:
            await engine.dispose()
    finally:
        await asyncio.to_thread(db.stop)

    assert version.startswith("PostgreSQL 18.")
    assert extensions == 1
    assert database == "salonbook"
    assert not _running(db.pid), "the postmaster outlived stop()"
    assert [pid for pid in server_processes if _running(pid)] == []
    assert not db.pgdata.exists(), "a fresh cluster is deleted on stop()"
    assert not (data_dir / "pgdata").is_symlink()
    db.stop()  # idempotent


async def test_the_embedded_database_has_an_owner_that_migrates_and_an_app_role_that_serves(
    tmp_path: Path,
) -> None:
    db = await asyncio.to_thread(start_embedded, data_dir=tmp_path / "embedded", fresh=True)
    try:
        await migrate.upgrade(db.owner_url, app_role=APP_ROLE)
        connection = await asyncpg.connect(plain_url(db.app_url))
        try:
            found = await connection.fetchrow(
                "SELECT current_user AS serving,"
                " (SELECT pg_get_userbyid(datdba) FROM pg_database"
                "  WHERE datname = current_database()) AS database_owner,"
                " (SELECT array_agg(DISTINCT tableowner) FROM pg_tables"
                "  WHERE schemaname = 'public') AS table_owners,"
                " has_column_privilege('bookings', 'status', 'UPDATE') AS updates_status"
            )
        finally:
            await connection.close()
    finally:
        await asyncio.to_thread(db.stop)
    assert dict(found) == {
        "serving": APP_ROLE,
        "database_owner": OWNER_ROLE,
        "table_owners": [OWNER_ROLE],
        "updates_status": False,
    }
