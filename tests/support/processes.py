"""Other processes for tests that cross a process boundary: salonbook server processes (started
as a deployment starts them, with uvicorn), client programs that speak JSON lines, and a way to
know that a subscription held by another process has started."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

import httpx
import orjson

from salonbook.db.urls import plain_url
from tests.support.live import WsClient

ROOT = Path(__file__).resolve().parents[2]
RUNNING = re.compile(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)")
Process = asyncio.subprocess.Process
CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) {
  __typename ... on CreateBookingSuccess { booking { id } } ... on Error { code message } } }
"""


async def stop(process: Process, *, grace: float = 10.0) -> None:
    """Terminate, wait, kill on timeout: the process is gone (and reaped) on return."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    await process.wait()


def server_environment(*, database_url: str, broadcast_url: str | None) -> dict[str, str]:
    """This environment without SALONBOOK_* settings (so development defaults apply: the
    development JWT secret that factory tokens are signed with), on the given database and
    broadcast. The periodic outbox read is pushed out of the way: what reaches a subscriber in
    time was carried by the broadcast backend, not found by polling."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SALONBOOK_") and name not in ("DATABASE_URL", "BROADCAST_URL")
    }
    chosen = {
        "DATABASE_URL": plain_url(database_url),
        "SALONBOOK_ENV": "development",
        "SALONBOOK_REALTIME_POLL_SECONDS": "3600",
        "PYTHONUNBUFFERED": "1",
    }
    if broadcast_url is not None:
        chosen["BROADCAST_URL"] = broadcast_url
    return inherited | chosen


@dataclasses.dataclass(frozen=True)
class ServerProcess:
    name: str
    process: Process
    log: Path
    base: str = ""
    """host:port, known once the server listens."""

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str
    ) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=f"http://{self.base}", timeout=10) as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


# Runs first in a server process: on Linux it is sent SIGTERM should the test process die
# without stopping it (killed, say); then it becomes uvicorn (same pid).
DIE_WITH_PARENT = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit("the test process is gone")
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


UVICORN = (
    "-m", "uvicorn", "salonbook.app:create_app", "--factory",
    "--host", "127.0.0.1", "--port", "0",  # the kernel picks a free port: no race
    "--no-access-log", "--timeout-graceful-shutdown", "5",
)  # fmt: skip
SERVE = ("-m", "salonbook.cli", "serve", "--port", "0", "--workers", "1")
"""`salonbook serve`, as a deployment runs it (127.0.0.1, a port the kernel picks), in one
process (the default is one per CPU)."""
SERVE_TWO_WORKERS = (*SERVE[:-1], "2")
"""`salonbook serve --workers 2`: a supervising process and two server processes."""


async def _spawn(
    name: str, *, environment: Mapping[str, str], logs: Path, command: Sequence[str] = UVICORN
) -> ServerProcess:
    log = logs / f"{name}.log"
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", DIE_WITH_PARENT, str(os.getpid()), *command,
            cwd=ROOT, env=dict(environment), stdin=asyncio.subprocess.DEVNULL,
            stdout=output, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
    return ServerProcess(name, process, log)


async def _listening(server: ServerProcess, *, within: float) -> ServerProcess:
    """The server once it has said where it listens and /healthz answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (found := RUNNING.search(server.log.read_bytes())) is None:
        if server.process.returncode is not None:
            raise RuntimeError(
                f"server {server.name} exited with {server.process.returncode} at start:\n"
                + server.log_tail()
            )
        if loop.time() > deadline:
            raise RuntimeError(
                f"server {server.name} did not start in {within}s:\n{server.log_tail()}"
            )
        await asyncio.sleep(0.05)
    base = f"127.0.0.1:{int(found.group(1))}"
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"http://{base}/healthz")
    assert response.json() == {"status": "ok"}, response.text
    return dataclasses.replace(server, base=base)


@contextlib.asynccontextmanager
async def servers(
    names: Iterable[str],
    *,
    environment: Mapping[str, str],
    logs: Path,
    within: float = 60.0,
    command: Sequence[str] = UVICORN,
    stopped_in_use: bool = False,
) -> AsyncIterator[list[ServerProcess]]:
    """Server processes started side by side (`command`: the arguments after `python`), all
    stopped on the way out whatever happens; one that died while in use fails the test that
    used it, with the end of its log (unless the test stops them itself: `stopped_in_use`)."""
    spawned: list[ServerProcess] = []
    try:
        for name in names:
            spawned.append(await _spawn(name, environment=environment, logs=logs, command=command))
        outcomes = await asyncio.gather(
            *(_listening(server, within=within) for server in spawned), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        ready = [outcome for outcome in outcomes if isinstance(outcome, ServerProcess)]
        yield ready
        for server in ready:
            if server.process.returncode is not None and not stopped_in_use:
                raise RuntimeError(
                    f"server {server.name} died while in use ({server.process.returncode}):\n"
                    + server.log_tail()
                )
    finally:
        await asyncio.gather(*(stop(server.process) for server in spawned))


@dataclasses.dataclass(frozen=True)
class JsonLinesChild:
    """A client program that reports on stdout, one JSON object a line."""

    process: Process

    async def line(self, within: float = 10.0) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout=within)
        if not raw:
            raise AssertionError(f"the program ended without a line:\n{await self._stderr()}")
        found: dict[str, Any] = orjson.loads(raw)
        return found

    async def exit_code(self, within: float = 10.0) -> int:
        return await asyncio.wait_for(self.process.wait(), timeout=within)

    async def _stderr(self) -> str:
        assert self.process.stderr is not None
        await self.exit_code()
        return (await self.process.stderr.read()).decode(errors="replace")


@contextlib.asynccontextmanager
async def json_lines_child(*command: str, cwd: Path) -> AsyncIterator[JsonLinesChild]:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield JsonLinesChild(process)
    finally:
        await stop(process, grace=5.0)


async def until_seen(
    client: WsClient,
    operation: str,
    *,
    create: Callable[[int], Awaitable[str]],
    attempts: int = 8,
    within: float = 1.0,
) -> dict[str, Any]:
    """The first event of a booking made by `create(attempt)` (which returns its id) that the
    subscription shows. When a server has started a subscription cannot be observed from
    outside, only its first event: a booking made too early is never shown, so make another.
    From the event on, the subscription is live and has seen everything committed before."""
    made: list[str] = []
    for attempt in range(attempts):
        made.append(await create(attempt))
        with contextlib.suppress(TimeoutError):
            while True:
                (event,) = await client.events(operation, 1, within=within)
                assert event["bookingId"] in made, f"unexpected event {event}"
                if event["bookingId"] == made[-1]:
                    return event
    raise AssertionError(f"none of {attempts} bookings made reached the subscription in {within}s")


class Gql(Protocol):
    """`Api.gql` (the in-process app) or `ServerProcess.gql` (a server process)."""

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str
    ) -> Awaitable[dict[str, Any]]: ...


def booking_maker(
    gql: Gql, *, stylist_id: UUID, service_id: UUID, token: str, first_start: datetime
) -> Callable[[int], Awaitable[str]]:
    """For `until_seen`: books the stylist through `gql` as the token's customer, a slot of
    its own per attempt."""

    async def create(attempt: int) -> str:
        start = first_start + timedelta(hours=2 * attempt)
        given = {"stylistId": str(stylist_id), "serviceId": str(service_id),
                 "startTime": start.isoformat()}  # fmt: skip
        body = await gql(CREATE, {"input": given}, token=token)
        result = body["data"]["createBooking"]
        assert result["__typename"] == "CreateBookingSuccess", body
        booking_id: str = result["booking"]["id"]
        return booking_id

    return create
