"""PostGraphile v5 as a peer: its server process (bench/peers/postgraphile/server.mjs, on Node 22
from the locked npm packages), and its clients for the write and read benchmarks, speaking
through the same load client (bench/http1.py) with the same tokens as salonbook's.

Node and npm are needed only here: `setup.sh` (npm ci) runs when node_modules is missing."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import peer_schema
from bench.dashboard import WEEK as SALONBOOK_WEEK
from bench.dashboard import DashboardRun, Desk, measure_dashboard, this_week
from bench.database import BenchDatabase, Salon
from bench.http1 import KeepAliveClient, ProtocolError
from bench.measure import log
from bench.server import Server, _spawn, _stop, free_port
from bench.workload import NEXT_ACTION, Chair
from salonbook.config import DEVELOPMENT_JWT_SECRET
from salonbook.domain.statuses import BookingStatus

PEER_DIR = Path(__file__).parent / "peers" / "postgraphile"
NODE = PEER_DIR / "node_modules" / "node" / "bin" / "node"

FLIP = """
mutation Flip($bookingId: UUID!, $action: String!) {
  transitionBooking(input: {bookingId: $bookingId, action: $action}) {
    result {
      rowId fromStatus toStatus createdAt
      peerBookingByBookingId { rowId status version }
    }
  }
}
"""
STATUS = "query($id: UUID!) { peerBookingByRowId(rowId: $id) { status } }"
WEEK = """
query Week($stylistId: UUID!, $from: Datetime!, $to: Datetime!) {
  stylistWeek(stylistId: $stylistId, startsAfter: $from, startsBefore: $to, first: 50) {
    edges {
      cursor
      node {
        rowId status startTime endTime version
        customer: publicPersonByCustomerId { rowId displayName }
        stylist: publicPersonByStylistId { rowId displayName }
        service: publicServiceByServiceId { rowId name durationMinutes priceCents }
        statusHistory: publicBookingStatusHistoriesByBookingId {
          nodes { rowId action fromStatus toStatus actorRole createdAt }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
WEEK_FIELD = "stylistWeek"


def ensure_installed() -> None:
    """npm ci through setup.sh when the peer's packages are not there yet."""
    if NODE.exists():
        return
    log(f"installing the PostGraphile peer's locked packages ({PEER_DIR / 'setup.sh'})")
    subprocess.run([str(PEER_DIR / "setup.sh")], check=True)


async def _wait_ready(server: Server, *, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        server.check_alive()
        client = KeepAliveClient(f"http://{server.host}:{server.port}")
        try:
            response = await client.post_json("/graphql", {"query": "{ __typename }"})
            if response.status == 200:
                return
        except (OSError, EOFError, ProtocolError):
            pass  # not listening yet, or closed on us while starting
        finally:
            await client.close()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the peer did not answer within {within}s:\n{server.log_tail()}")
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def run_peer(
    dsn: str, *, start_timeout: float = 120.0, event_booking: str = "payload"
) -> AsyncIterator[Server]:
    """`node server.mjs` on a free port, production mode, pool of 10 like salonbook's; stopped
    (SIGTERM, then SIGKILL) on the way out. `event_booking`: how its subscription answers an
    event's booking (server.mjs: payload, or read per subscriber)."""
    ensure_installed()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEER_")}
    env.update({
        "PEER_DATABASE_URL": dsn, "PEER_PORT": str(port),
        "PEER_JWT_SECRET": DEVELOPMENT_JWT_SECRET, "NODE_ENV": "production",
        "GRAPHILE_ENV": "production", "PEER_EVENT_BOOKING": event_booking,
    })  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="salonbook-bench-peer-") as logs:
        log_path = Path(logs) / "peer.log"
        process = _spawn([str(NODE), str(PEER_DIR / "server.mjs")], env=env, log=log_path)
        server = Server(process, port=port, log=log_path)
        try:
            await _wait_ready(server, within=start_timeout)
            yield server
        finally:
            await asyncio.to_thread(_stop, process)
            if process.returncode not in (0, -15):
                print(f"peer exit code {process.returncode}; log tail:\n{server.log_tail()}")


async def start_peer(
    stack: contextlib.AsyncExitStack, database: BenchDatabase, chairs: Sequence[Chair],
    salon: Salon,
) -> Server:  # fmt: skip
    """The peer schema installed in `database`, the chairs' bookings copied into it, and the
    peer's server started (it introspects the schema as it is now), gone with the stack."""
    await peer_schema.install(database.dsn)
    await peer_schema.copy_chairs(database.dsn, chairs, system_id=salon.system.id)
    server = await stack.enter_async_context(run_peer(database.dsn))
    log(f"PostGraphile peer ready; pid {server.process.pid}")
    return server


class PeerFlipper:
    """One client of the peer: the same chair (stylist, booking id, token) as salonbook's
    client, flipping the peer's copy of the booking, over its own keep-alive connection."""

    def __init__(self, base_url: str, chair: Chair) -> None:
        self.chair = chair
        self.status: BookingStatus | None = None
        """Where the copy is; read at the first flip (an earlier run may have moved it)."""
        self.client = KeepAliveClient(base_url, headers={"Authorization": f"Bearer {chair.token}"})

    async def close(self) -> None:
        await self.client.close()

    async def flip(self) -> str | None:
        if self.status is None:
            await self._resync()
            assert self.status is not None
        variables = {"bookingId": str(self.chair.booking_id), "action": NEXT_ACTION[self.status]}
        response = await self.client.post_json("/graphql", {"query": FLIP, "variables": variables})
        body: dict[str, Any] = response.json()
        change = ((body.get("data") or {}).get("transitionBooking") or {}).get("result")
        if response.status != 200 or not change or "errors" in body:
            await self._resync()
            return f"{response.status}: {str(body)[:300]}"
        self.status = BookingStatus(change["peerBookingByBookingId"]["status"])
        return None

    async def _resync(self) -> None:
        variables = {"id": str(self.chair.booking_id)}
        response = await self.client.post_json(
            "/graphql", {"query": STATUS, "variables": variables}
        )
        self.status = BookingStatus(response.json()["data"]["peerBookingByRowId"]["status"])


def _facts(node: dict[str, Any], key: str, history: list[dict[str, Any]]) -> tuple[Any, ...]:
    """What a page's booking says, in a form both servers' answers share."""
    return (
        node[key], node["status"], datetime.fromisoformat(node["startTime"]), node["version"],
        node["customer"][key], node["customer"]["displayName"], node["stylist"][key],
        node["service"][key], node["service"]["name"], node["service"]["priceCents"],
        [(str(h[key]), h["action"], h["fromStatus"], h["toStatus"], h["actorRole"].upper())
         for h in history],  # salonbook's roles are a GraphQL enum, the peer's the stored text
    )  # fmt: skip


async def same_week(api: Server, peer: Server, desk: Desk) -> str | None:
    """None when salonbook and the peer answer a stylist's week with the same bookings, people,
    service and history; else what differs (the two documents must ask for the same thing)."""
    start, end = this_week(datetime.now(UTC))
    variables = {
        "stylistId": str(desk.stylist_id),
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
    answers = []
    for server, query in ((api, SALONBOOK_WEEK), (peer, WEEK)):
        client = KeepAliveClient(f"http://{server.host}:{server.port}",
                                 headers={"Authorization": f"Bearer {desk.token}"})  # fmt: skip
        try:
            body = {"query": query, "variables": variables}
            answers.append((await client.post_json("/graphql", body)).json())
        finally:
            await client.close()
    try:
        ours = [_facts(e["node"], "id", e["node"]["statusHistory"])
                for e in answers[0]["data"]["bookings"]["edges"]]  # fmt: skip
        theirs = [_facts(e["node"], "rowId", e["node"]["statusHistory"]["nodes"])
                  for e in answers[1]["data"][WEEK_FIELD]["edges"]]  # fmt: skip
    except (KeyError, TypeError) as error:
        return f"unreadable answer ({error!r}): {str(answers)[:300]}"
    if ours != theirs:
        first = next((i for i, pair in enumerate(zip(ours, theirs, strict=False))
                      if pair[0] != pair[1]), min(len(ours), len(theirs)))  # fmt: skip
        return f"{len(ours)} / {len(theirs)} bookings, booking {first} differs: " + " / ".join(
            str(side[first] if first < len(side) else None) for side in (ours, theirs)
        )
    return None


async def measure_week(
    api: Server, peer: Server, desks: Sequence[Desk], *, requests: int, warmup: int,
    bookings: int,
) -> DashboardRun:  # fmt: skip
    """The stylist's week through the peer, timed as bench/dashboard.py times salonbook's, and
    one week checked to be the same answer as salonbook's (a difference counts as an error)."""
    log("  the same week through PostGraphile")
    run = await measure_dashboard(
        peer, desks, requests=requests, warmup=warmup, bookings=bookings, query=WEEK,
        field=WEEK_FIELD,
    )  # fmt: skip
    log(f"  p50 {run.p50 * 1000:.1f} ms, p99 {run.p99 * 1000:.1f} ms")
    differs = await same_week(api, peer, desks[0])
    if differs is None:
        return run
    log(f"  error: salonbook and PostGraphile answer differently: {differs}")
    return dataclasses.replace(run, errors=run.errors + 1)
