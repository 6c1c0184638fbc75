"""One salonbook server process, as production runs it, and what the benchmark reads off it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psutil  # type: ignore[import-untyped]

# Settings the bench decides itself: tokens are minted with the development secret, and the
# bench's raw SQL commits are heard through PostgreSQL LISTEN/NOTIFY (the default backend).
_NOT_PASSED_ON = (
    "BROADCAST_URL",
    "SALONBOOK_ENV",
    "SALONBOOK_JWT_SECRET",
    "SALONBOOK_JWKS_FILE",
    "SALONBOOK_JWT_ROLE_CLAIM",
    "SALONBOOK_JWT_AUDIENCE",
    "SALONBOOK_JWT_ISSUER",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    def __init__(self, process: subprocess.Popen[bytes], *, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.ps = psutil.Process(process.pid)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def serving(self) -> list[psutil.Process]:
        """The processes that serve: the server itself, or with workers the workers (the
        parent of `salonbook serve --workers N` only supervises)."""
        with contextlib.suppress(psutil.Error):
            workers: list[psutil.Process] = self.ps.children()
            if workers:
                return workers
        return [self.ps]

    def rss(self) -> int:
        """The largest RSS of one serving process (each worker is a server of its own)."""
        sizes = [0]
        for process in self.serving():
            with contextlib.suppress(psutil.Error):
                sizes.append(int(process.memory_info().rss))
        return max(sizes)

    def peak_rss(self) -> int:
        """VmHWM: the highest RSS since a serving process started (Linux), the largest of
        them; else the current RSS."""
        peaks = [self.rss()]
        for process in self.serving():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) * 1024)
        return max(peaks)

    def cpu_seconds(self) -> float:
        """CPU time of the server and all its workers."""
        total = 0.0
        for process in {self.ps, *self.serving()}:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += float(times.user + times.system)
        return total

    def websockets_open(self) -> int:
        """Established TCP connections on the server's port (the clients' sockets)."""
        return sum(
            1
            for c in self.ps.net_connections(kind="tcp")
            if c.laddr and c.laddr.port == self.port and c.status == psutil.CONN_ESTABLISHED
        )

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


def start_profiler(server: Server, output: Path) -> subprocess.Popen[bytes]:
    """py-spy (on PATH) recording the server into a raw flamegraph file until stopped."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = ["py-spy", "record", "--pid", str(server.process.pid), "--rate", "100", "--gil",
               "--format", "raw", "--nonblocking", "--output", str(output)]  # fmt: skip
    print(f"  profiling the server into {output}", flush=True)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def stop_profiler(profiler: subprocess.Popen[bytes]) -> None:
    profiler.send_signal(signal.SIGINT)
    try:
        await asyncio.to_thread(profiler.wait, 30)
    except subprocess.TimeoutExpired:
        profiler.kill()


class PeakSampler:
    """Samples a server's RSS from a thread (the main loop may be busy for a while)."""

    def __init__(self, server: Server, interval: float = 0.1) -> None:
        self._server = server
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)
        self.peak = 0

    def __enter__(self) -> PeakSampler:
        self.peak = self._server.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def _sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak = max(self.peak, self._server.rss())


async def _wait_healthy(server: Server, *, within: float) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            server.check_alive()
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"http://{server.host}:{server.port}/healthz")
                if response.status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"no /healthz within {within}s:\n{server.log_tail()}")
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def run_server(
    database_url: str,
    *,
    start_timeout: float = 60.0,
    ws: str | None = None,
    workers: int | None = None,
) -> AsyncIterator[Server]:
    """`python -m uvicorn salonbook.app:create_app --factory` on a free port, log level warning
    (and `--ws ws` when given); with `workers`, `salonbook serve --workers N` instead, at the
    same log level. Stopped (SIGTERM, then SIGKILL) on the way out, whatever happens."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED_ON}
    env["DATABASE_URL"] = database_url
    command = [
        sys.executable, "-m", "uvicorn", "salonbook.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    if workers is not None:
        assert ws is None, "salonbook serve picks its websocket implementation itself"
        env["SALONBOOK_LOG_LEVEL"] = "WARNING"
        command = [
            sys.executable, "-m", "salonbook.cli", "serve", "--workers", str(workers),
            "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
    if ws is not None:
        command += ["--ws", ws]
    with tempfile.TemporaryDirectory(prefix="salonbook-bench-server-") as logs:
        log = Path(logs) / "server.log"
        process = _spawn(command, env=env, log=log)
        server = Server(process, port=port, log=log)
        try:
            await _wait_healthy(server, within=start_timeout)
            yield server
        finally:
            await asyncio.to_thread(_stop, process)
            if process.returncode not in (0, -15):
                print(f"server exit code {process.returncode}; log tail:\n{server.log_tail()}")


def _spawn(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
