"""`salonbook serve --workers 2` as a test starts it, and what each worker's own metric files
say (which worker holds what), read from the shared metrics directory the test chose."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from salonbook.observability.multiprocess import MULTIPROCESS_DIR, SHARE_EVERY_SECONDS
from tests.support.factory import Factory, Party
from tests.support.live import WsClient, ws_client
from tests.support.processes import ServerProcess, server_environment

WEBSOCKETS = "salonbook_websocket_connections"
REQUESTS = "salonbook_requests_total"
EVENTS = """
subscription($filter: BookingEventFilter) {
  bookingEvents(filter: $filter) { kind bookingId }
}
"""


def environment(*, database_url: str, metrics: Path, sweep_seconds: float) -> dict[str, str]:
    chosen = server_environment(database_url=database_url, broadcast_url=None)
    return chosen | {
        MULTIPROCESS_DIR: str(metrics),
        "SALONBOOK_SWEEP_SECONDS": str(sweep_seconds),
        "SALONBOOK_SHUTDOWN_GRACE_SECONDS": "10",
    }


def per_worker(metrics: Path, *, kind: str, sample: str) -> dict[int, float]:
    """A sample's value in each worker's own file (`kind`: counter, gauge_livesum, ...)."""
    found: dict[int, float] = {}
    for file in metrics.glob(f"{kind}_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        for family in MultiProcessCollector.merge([str(file)]):  # type: ignore[no-untyped-call]
            for one in family.samples:
                if one.name == sample:
                    found[pid] = found.get(pid, 0.0) + one.value
    return found


def busy(metrics: Path, *, kind: str, sample: str) -> set[int]:
    return {pid for pid, value in per_worker(metrics, kind=kind, sample=sample).items() if value}


async def scraped(server: ServerProcess) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=10) as http:
        page = await http.get("/metrics")
    assert page.status_code == 200, page.text
    return {
        (one.name, tuple(sorted(one.labels.items()))): one.value
        for family in text_string_to_metric_families(page.text)
        for one in family.samples
    }


def worker_pids(server: ServerProcess) -> set[int]:
    children = psutil.Process(server.process.pid).children()
    return {child.pid for child in children if "spawn_main" in " ".join(child.cmdline())}


async def subscribers_on_both_workers(
    stack: AsyncExitStack, server: ServerProcess, metrics: Path, *, token: str, party: Party
) -> list[tuple[WsClient, str]]:
    """Subscriptions on as many websockets as it takes for both workers to hold some (the
    kernel hands each connection to one of them). Each worker writes its readings every
    second."""
    subscribers: list[tuple[WsClient, str]] = []
    while len(subscribers) < 32:
        for _ in range(4):
            client = await stack.enter_async_context(ws_client(server.base, token=token))
            filtered = {"filter": {"stylistId": str(party.stylist.id)}}
            subscribers.append((client, await client.subscribe(EVENTS, filtered)))
        await asyncio.sleep(SHARE_EVERY_SECONDS * 1.5)
        if len(busy(metrics, kind="gauge_livesum", sample=WEBSOCKETS)) == 2:
            break
    return subscribers


async def all_live(
    subscribers: list[tuple[WsClient, str]], server: ServerProcess, factory: Factory, party: Party
) -> str:
    """Books the party's stylist until every subscriber has shown one of the bookings (then
    its subscription is live); the last booking's id."""
    service = await factory.service()
    start = (datetime.now(UTC) + timedelta(days=40)).replace(minute=0, second=0, microsecond=0)
    waiting = set(range(len(subscribers)))
    for attempt in range(8):
        booking_id = await _book(server, factory, party, service.id, start, attempt)
        for index in sorted(waiting):
            if await _shows(subscribers[index], booking_id, kind="CREATED", within=1.0):
                waiting.discard(index)
        if not waiting:
            return booking_id
    raise AssertionError(f"{len(waiting)} subscriptions never went live")


async def _shows(
    subscriber: tuple[WsClient, str], booking_id: str, *, kind: str, within: float
) -> bool:
    client, operation = subscriber
    try:
        while True:
            (event,) = await client.events(operation, 1, within=within)
            if (event["bookingId"], event["kind"]) == (booking_id, kind):
                return True
    except TimeoutError:
        return False


async def shown_to_all(subscribers: list[tuple[WsClient, str]], booking_id: str, kind: str) -> int:
    """How many subscribers show the event (within 10 s)."""
    shown = await asyncio.gather(
        *(_shows(one, booking_id, kind=kind, within=10.0) for one in subscribers)
    )
    return sum(shown)


CREATE = """
mutation($input: CreateBookingInput!) { createBooking(input: $input) {
  __typename ... on CreateBookingSuccess { booking { id } } ... on Error { code message } } }
"""


async def _book(
    server: ServerProcess, factory: Factory, party: Party, service_id: Any, first: datetime, n: int
) -> str:
    given = {"stylistId": str(party.stylist.id), "serviceId": str(service_id),
             "startTime": (first + timedelta(hours=2 * n)).isoformat()}  # fmt: skip
    body = await server.gql(CREATE, {"input": given}, token=factory.token(party.customer))
    result = body["data"]["createBooking"]
    assert result["__typename"] == "CreateBookingSuccess", body
    booking_id: str = result["booking"]["id"]
    return booking_id


async def new_connections(server: ServerProcess, count: int) -> None:
    """`count` queries at once, each on a connection of its own."""

    async def one() -> None:
        async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=10) as http:
            answered = await http.post("/graphql", json={"query": "{ me { id } }"})
        assert answered.json() == {"data": {"me": None}}

    await asyncio.gather(*(one() for _ in range(count)))
