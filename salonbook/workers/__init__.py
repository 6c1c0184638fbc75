"""`salonbook serve --workers N`: N server processes on one port, under uvicorn's supervisor.

What is per process, and what is once:

* once, in the parent, before any worker starts: the embedded PostgreSQL (when DATABASE_URL is
  unset; stopped by the parent after every worker has exited), the migrations (development),
  the connection budget check (budget.py), the demo salon and its banner (parent.py); the
  listening socket, which every worker accepts on; the directory of the shared metrics;
* in each worker: the app and its lifespan: its own pool, its own LISTEN connection and outbox
  tailer (so a subscriber on any worker gets every event, whichever process made the change),
  its websockets, its graceful shutdown;
* once per interval across processes: the payment-timeout sweep, by whichever worker holds
  the sweeper's lease (salonbook/db/leases.py);
* across processes: the metrics, summed (observability/multiprocess.py)."""

from __future__ import annotations

import contextlib
import logging
import logging.config
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from uvicorn.config import STARTUP_FAILURE

from salonbook.config import Settings
from salonbook.observability.logs import logging_config
from salonbook.observability.multiprocess import MULTIPROCESS_DIR, prepare_shared_dir, shared_dir
from salonbook.serving import server_config
from salonbook.workers.budget import TooManyConnections
from salonbook.workers.parent import prepare_once
from salonbook.workers.supervisor import Supervisor, WorkerApp

log = logging.getLogger("uvicorn.error")
REFUSED = 2


def serve_workers(
    settings: Settings, *, host: str, port: int, asked: int | None, demo: bool
) -> int:
    """Serves until SIGTERM or SIGINT; the exit code. `asked`: the worker count given, or None
    for one per CPU (as many as the database's connections allow)."""
    logging.config.dictConfig(logging_config(settings.log_level))
    try:
        listening = _listening_socket(host, port)
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror)
        return STARTUP_FAILURE
    with listening, _shared_metrics() as metrics_dir:
        try:
            with _interrupted_by_sigterm():
                prepared = prepare_once(settings, asked=asked, demo=demo)
        except TooManyConnections as refused:
            print(f"salonbook serve: {refused}", file=sys.stderr)
            return REFUSED
        except KeyboardInterrupt:
            return 0
        try:
            config = server_config(
                WorkerApp(prepared.worker_settings, demo=demo),
                host=host,
                port=port,
                grace_seconds=settings.shutdown_grace_seconds,
                log_level=settings.log_level,
                max_message_bytes=settings.max_body_bytes,
                workers=prepared.workers,
            )
            return Supervisor(config, [listening], metrics_dir=metrics_dir).serve()
        finally:
            prepared.release()


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bound and listening before the workers start: a connection made while they start waits
    in the backlog instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family, backlog=2048)
    listening.set_inheritable(True)
    return listening


@contextlib.contextmanager
def _shared_metrics() -> Iterator[Path]:
    """PROMETHEUS_MULTIPROC_DIR for the workers: the one set, emptied of an earlier run's
    files; else a fresh directory, removed at the end."""
    given = shared_dir()
    if given is not None:
        prepare_shared_dir(given)
        yield given
        return
    made = Path(tempfile.mkdtemp(prefix="salonbook-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(made)  # inherited by the workers, read at their start
    try:
        yield made
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(made, ignore_errors=True)


@contextlib.contextmanager
def _interrupted_by_sigterm() -> Iterator[None]:
    """SIGTERM while the parent prepares stops it as Ctrl-C does (KeyboardInterrupt), so an
    embedded database already started is stopped on the way out."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
