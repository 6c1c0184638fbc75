"""The app's own CPU per transitionBooking: the app in-process (no HTTP server, no HTTP client),
each request handed to it as an ASGI call, as uvicorn would, by N concurrent clients; the
process's CPU time over the measured requests, divided by them. Includes the outbox tailer and
the event loop; leaves out uvicorn's HTTP parsing and the sockets to clients.

    uv run python -m bench.app_cpu [--clients 16] [--requests 4000] [--profile FILE]

`--profile FILE` writes cProfile's statistics of the measured part (read them with
`python -m pstats FILE`). `--callgrind`, run under valgrind, counts the instructions of the
measured part alone, which the machine's load does not move (unlike CPU time):

    valgrind --tool=callgrind --instr-atstart=no .venv/bin/python -m bench.app_cpu \
        --callgrind --requests 400"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.database import arrange_salon, bench_database
from bench.workload import NEXT_ACTION, TRANSITION, Chair, arrange_chairs
from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db.engine import create_engine
from salonbook.domain.statuses import BookingStatus


class AsgiClient:
    """One client's requests, as ASGI calls on the app."""

    def __init__(self, app: Any, chair: Chair) -> None:
        self.app = app
        self.chair = chair
        self.status = BookingStatus.CONFIRMED
        self.headers = [
            (b"host", b"salonbook.bench"),
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {chair.token}".encode()),
        ]

    async def flip(self) -> None:
        variables = {
            "input": {"bookingId": str(self.chair.booking_id), "action": NEXT_ACTION[self.status]}
        }
        body = orjson.dumps({"query": TRANSITION, "variables": variables})
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
            "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 40000),
            "headers": [*self.headers, (b"content-length", str(len(body)).encode())],
        }  # fmt: skip
        sent = False
        chunks: list[bytes] = []
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()
            raise AssertionError

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        result = orjson.loads(b"".join(chunks))["data"]["transitionBooking"]
        if status != 200 or result["__typename"] != "TransitionBookingSuccess":
            raise RuntimeError(f"{status}: {result}")
        self.status = BookingStatus(result["booking"]["status"])


async def _drive(clients: Sequence[AsgiClient], requests: int) -> None:
    left = requests

    async def one(client: AsgiClient) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await client.flip()

    await asyncio.gather(*(one(c) for c in clients))


async def _callgrind(on: bool) -> None:
    """Callgrind's instrumentation of this process turned on or off (it answers between the
    guest's steps, so the event loop keeps turning while it is asked)."""
    command = ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())]
    asked = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
    await asked.wait()


async def measure(clients: int, requests: int, profile: Path | None, callgrind: bool) -> None:
    async with bench_database(None) as database:
        engine = create_engine(database.url, pool_size=2)
        salon = await arrange_salon(engine)
        chairs = await arrange_chairs(engine, salon, clients)
        await engine.dispose()
        app = create_app(Settings(DATABASE_URL=database.url, SALONBOOK_SWEEP_SECONDS=0))  # type: ignore[call-arg]
        async with app.router.lifespan_context(app):
            drivers = [AsgiClient(app, chair) for chair in chairs]
            await _drive(drivers, 20 * clients)  # warm: connections open, statements prepared
            profiler = cProfile.Profile() if profile else None
            cpu, started = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            if callgrind:
                await _callgrind(on=True)
            await _drive(drivers, requests)
            if callgrind:
                await _callgrind(on=False)
            if profiler:
                profiler.disable()
            cpu, elapsed = time.process_time() - cpu, time.perf_counter() - started
            await asyncio.sleep(0.1)
    print(
        f"{requests} changes by {clients} clients in {elapsed:.2f} s: "
        f"{cpu / requests * 1e6:.0f} µs of CPU per change (the app in-process)"
    )
    if profiler and profile:
        profiler.dump_stats(profile)
        print(f"profile written to {profile}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.app_cpu", description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--callgrind", action="store_true", help="under valgrind: see above")
    args = parser.parse_args(argv)
    asyncio.run(measure(args.clients, args.requests, args.profile, args.callgrind))
    return 0


if __name__ == "__main__":
    sys.exit(main())
