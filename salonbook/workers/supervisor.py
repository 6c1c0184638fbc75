"""uvicorn's supervisor of worker processes (`uvicorn.supervisors.Multiprocess`, uvicorn 0.54),
with salonbook's server in each worker.

What uvicorn does and is kept: the parent holds the listening socket, every worker (a fresh
interpreter: multiprocessing's spawn) accepts on it; the parent pings each worker every half
second and replaces one that died or hangs, but stops everything when a worker fails at start
(exit code 3: the next would fail the same way); SIGTERM or SIGINT to the parent sends SIGTERM
to every worker and waits for them. What is changed:

* each worker serves with GracefulServer (websockets closed with 1001, in-flight requests
  finished) and builds its app there, from its settings (WorkerApp);
* the parent announces where it listens once every worker is ready; when stopping, it closes
  its copy of the listening socket (so that, the workers' closed too, new connections are
  refused rather than left waiting) and waits for the workers only so long (the grace period
  and a margin) before killing what is left;
* a worker that exits, or dies, is taken out of the shared metrics' gauges;
* a worker sets itself to be stopped (SIGTERM, gracefully) should the parent die;
* the process count stays as started: SIGHUP, SIGTTIN and SIGTTOU, which uvicorn uses to
  restart, add and remove workers, are ignored (more workers would pass the connection budget
  checked at start; restart the service instead)."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from salonbook.config import Settings
from salonbook.observability.multiprocess import process_gone
from salonbook.serving import graceful_server

log = logging.getLogger("uvicorn.error")  # the parent's lines go with uvicorn's own
READY_WITHIN_SECONDS = 60.0
STOPPED_WITHIN_EXTRA_SECONDS = 15.0
"""Beyond the grace period, for the lifespan's shutdown (closing pools and listeners)."""
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class WorkerApp:
    """What a worker process is given instead of the app: the app is built there."""

    settings: Settings
    demo: bool = False
    """With --demo: the parent loaded the salon; the worker serves the dashboard's demo people."""

    def __call__(self) -> Starlette:
        from salonbook.app import create_app

        return create_app(self.settings, migrating=False, demo_people=self.demo)


class Worker(Process):
    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = graceful_server(self.config)
        return self._server

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # in the worker
        _stopped_with_parent()
        # made here, before the thread answering the parent's pings starts: made lazily by
        # both threads at once, there would be two, and the pings would ask the idle one
        assert self.server is not None
        super().target(sockets)


def _stopped_with_parent() -> None:
    """Linux: SIGTERM to this process when its parent dies (killed, say), so that no worker is
    left serving without a supervisor."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor(Multiprocess):
    def __init__(
        self, config: uvicorn.Config, sockets: list[socket.socket], *, metrics_dir: Path
    ) -> None:
        super().__init__(config, sockets)
        self._metrics_dir = metrics_dir
        self._stop_asked = False

    def serve(self) -> int:
        """Until SIGTERM or SIGINT (0), or a worker fails at start (3)."""
        self.run()
        return 0 if self._stop_asked else STARTUP_FAILURE

    def init_processes(self) -> None:
        for _ in range(self.processes_num):
            worker = Worker(self.config, self.sockets)
            worker.start()
            self.processes.append(worker)
        for process in self.processes:
            if not process.wait_until_ready(READY_WITHIN_SECONDS, self.should_exit):
                return  # it died, or hangs: the supervising loop sees to it
        host, port = self.sockets[0].getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        log.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, port)
        log.info("%d worker processes serving", len(self.processes))

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for index, process in enumerate(list(self.processes)):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung, if not dead
            process.join()
            self._gone(process)
            if process.exitcode == STARTUP_FAILURE:
                log.error("Child process [%s] failed to start, stopping.", process.pid)
                self.should_exit.set()
                return
            log.warning("Child process [%s] died; starting another", process.pid)
            replacement = Worker(self.config, self.sockets)
            replacement.start()
            self.processes[index] = replacement

    def terminate_all(self) -> None:
        for listening in self.sockets:  # once the workers close theirs, connecting is refused
            listening.close()
        super().terminate_all()

    def join_all(self) -> None:
        grace = self.config.timeout_graceful_shutdown or 0
        deadline = time.monotonic() + grace + STOPPED_WITHIN_EXTRA_SECONDS
        for process in self.processes:
            process.process.join(max(0.0, deadline - time.monotonic()))
            if process.process.is_alive():
                log.error("Child process [%s] did not stop in time; killed", process.pid)
                process.kill()
                process.join()
            self._gone(process)

    def _gone(self, process: Process) -> None:
        if process.pid is not None:
            process_gone(process.pid, directory=self._metrics_dir)

    def handle_int(self) -> None:
        self._stop_asked = True
        super().handle_int()

    def handle_term(self) -> None:
        self._stop_asked = True
        super().handle_term()

    def handle_hup(self) -> None:
        log.warning("SIGHUP ignored: restart the service to restart its workers")

    def handle_ttin(self) -> None:
        log.warning("SIGTTIN ignored: the worker count is fixed at start (--workers)")

    def handle_ttou(self) -> None:
        log.warning("SIGTTOU ignored: the worker count is fixed at start (--workers)")
