"""The processes of an embedded PostgreSQL server: finding its postmaster, stopping it."""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]

_logger = logging.getLogger(__name__)
_STOP_TIMEOUT_SECONDS = 30.0


def stop_processes(processes: list[psutil.Process]) -> None:
    """Stop a server: postmaster first, then its children.

    A fast shutdown (SIGINT) as `pg_ctl stop` does; if that hangs, an immediate one (SIGQUIT);
    last, SIGKILL for whatever is left.
    """
    postmaster = processes[0]
    steps = (
        (signal.SIGINT, _STOP_TIMEOUT_SECONDS),
        (signal.SIGQUIT, _STOP_TIMEOUT_SECONDS / 3),
        (signal.SIGKILL, _STOP_TIMEOUT_SECONDS / 3),
    )
    for signum, wait in steps:
        for process in processes if signum == signal.SIGKILL else [postmaster]:
            if process_alive_exactly(process):
                if signum != signal.SIGINT:
                    _logger.warning("sending %s to postgres process %s", signum.name, process.pid)
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.send_signal(signum)
        deadline = time.monotonic() + wait
        while any(process_alive_exactly(process) for process in processes):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        else:
            return
    left = [process.pid for process in processes if process_alive_exactly(process)]
    raise RuntimeError(f"postgres processes {left} did not stop")


# Processes


def children(process: psutil.Process) -> list[psutil.Process]:
    try:
        children: list[psutil.Process] = process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return children


def process_alive_exactly(process: psutil.Process) -> bool:
    """Whether this very process (not a later one with its pid) still runs; zombies do not."""
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def process_alive(pid: int) -> bool:
    try:
        return process_alive_exactly(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def running_postmaster(pgdata: Path) -> psutil.Process | None:
    """The live postmaster that postmaster.pid names, if it is pgdata's."""
    info = read_postmaster_pid(pgdata)
    if info is None or info.pid is None:
        return None
    return postmaster_of(info.pid, pgdata)


def postmaster_of(pid: int, pgdata: Path) -> psutil.Process | None:
    return psutil.Process(pid) if is_postmaster_of(pid, pgdata) else None


def is_postmaster_of(pid: int, pgdata: Path) -> bool:
    """Whether pid is a live postgres server whose data directory is pgdata."""
    try:
        process = psutil.Process(pid)
        if not process_alive_exactly(process) or "postgres" not in process.name():
            return False
        try:
            return Path(process.cwd()) == pgdata or str(pgdata) in process.cmdline()
        except psutil.AccessDenied:
            return True  # cannot tell; better to keep a running server's files
    except psutil.NoSuchProcess:
        return False


# Files


@dataclass(frozen=True)
class PostmasterPid:
    """What `pgdata/postmaster.pid` says; fields are None when the file is cut short."""

    pid: int | None
    port: int | None
    socket_dir: Path | None


def read_postmaster_pid(pgdata: Path) -> PostmasterPid | None:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return None
    fields = [line.strip() for line in lines] + [""] * 5

    def number(text: str) -> int | None:
        return int(text) if text.isdigit() else None

    return PostmasterPid(
        pid=number(fields[0]),
        port=number(fields[3]),
        socket_dir=Path(fields[4]) if fields[4] else None,
    )
