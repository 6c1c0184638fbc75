"""The audited client address is decided by SALONBOOK_TRUSTED_PROXIES alone, through real
server processes: `salonbook serve`, and plain `uvicorn --factory`, whose proxy-headers
middleware (on by default, trusting loopback) rewrites the client before the app runs. An
in-process transport cannot see that rewrite, so every case here goes over a real socket from
127.0.0.1, for a GraphQL mutation over HTTP, one over a websocket, and the payment webhook."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.config import DEVELOPMENT_WEBHOOK_SECRET, Settings
from salonbook.db.bookings import Booking
from salonbook.domain.statuses import BookingStatus
from salonbook.webhooks import sign
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.processes import SERVE, UVICORN, ServerProcess, server_environment, servers

FORGED = "198.51.100.23"
CANCEL = """
mutation($input: TransitionBookingInput!) { transitionBooking(input: $input) {
  __typename ... on Error { code message } } }
"""


@contextlib.asynccontextmanager
async def _serving(
    command: tuple[str, ...], trusted: str | None, settings: Settings, logs: Path
) -> AsyncIterator[ServerProcess]:
    assert settings.database_url is not None
    environment = server_environment(database_url=settings.database_url, broadcast_url=None)
    environment["SALONBOOK_SWEEP_SECONDS"] = "0"
    if trusted is not None:
        environment["SALONBOOK_TRUSTED_PROXIES"] = trusted
    async with servers(["front"], environment=environment, logs=logs, command=command) as (one,):
        yield one


async def _audited_ip(engine: AsyncEngine, booking: Booking, *, to: str) -> str | None:
    """The address in the audit row of the booking's change to `to`."""
    async with engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT host(ip_address) FROM booking_status_history"
                " WHERE booking_id = :id AND to_status = :to"
            ),
            {"id": booking.id, "to": to},
        )
        (ip,) = found.one()
    return None if ip is None else str(ip)


async def _cancel_over_http(
    server: ServerProcess, factory: Factory, engine: AsyncEngine, forwarded_for: str
) -> str | None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    given = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "ill"}
    async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=10) as http:
        response = await http.post(
            "/graphql",
            json={"query": CANCEL, "variables": {"input": given}},
            headers={
                "Authorization": f"Bearer {factory.token(party.customer)}",
                "X-Forwarded-For": forwarded_for,
            },
        )
    assert response.json() == {
        "data": {"transitionBooking": {"__typename": "TransitionBookingSuccess"}}
    }
    return await _audited_ip(engine, booking, to="CANCELLED")


async def _cancel_over_websocket(
    server: ServerProcess, factory: Factory, engine: AsyncEngine, forwarded_for: str
) -> str | None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    given = {"bookingId": str(booking.id), "action": "CANCEL", "reason": "ill"}
    async with ws_client(
        server.base,
        token=factory.token(party.customer),
        headers={"X-Forwarded-For": forwarded_for},
    ) as client:
        operation = await client.subscribe(CANCEL, {"input": given})
        message = await client.next(operation)
    assert message["payload"] == {
        "data": {"transitionBooking": {"__typename": "TransitionBookingSuccess"}}
    }
    return await _audited_ip(engine, booking, to="CANCELLED")


async def _confirm_by_webhook(
    server: ServerProcess, factory: Factory, engine: AsyncEngine, forwarded_for: str
) -> str | None:
    party = await factory.party()
    booking = await factory.booking(party)
    body = orjson.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "payment.succeeded",
            "booking_id": str(booking.id),
            "amount_cents": booking.facts.price_cents,
        }
    )
    signature = sign(secret=DEVELOPMENT_WEBHOOK_SECRET, timestamp=int(time.time()), body=body)
    async with httpx.AsyncClient(base_url=f"http://{server.base}", timeout=10) as http:
        response = await http.post(
            "/webhooks/payments",
            content=body,
            headers={"Salonbook-Signature": signature, "X-Forwarded-For": forwarded_for},
        )
    assert response.status_code == 200, response.text
    return await _audited_ip(engine, booking, to="CONFIRMED")


PATHS = {
    "graphql over http": _cancel_over_http,
    "graphql over a websocket": _cancel_over_websocket,
    "payment webhook": _confirm_by_webhook,
}
FRONTS = {
    "salonbook serve": SERVE,
    "uvicorn --factory": UVICORN,
    "uvicorn --factory --no-proxy-headers": (*UVICORN, "--no-proxy-headers"),
}
# (front, SALONBOOK_TRUSTED_PROXIES) -> what a forged X-Forwarded-For of FORGED leaves in the
# audit. Plain uvicorn with its proxy headers on has already replaced the peer, so the address
# is unknown (None) rather than the forged one; `serve` and `--no-proxy-headers` see the peer.
EXPECTED: dict[tuple[str, str | None], str | None] = {
    ("salonbook serve", None): "127.0.0.1",
    ("salonbook serve", "127.0.0.1"): FORGED,
    ("uvicorn --factory", None): None,
    ("uvicorn --factory", "127.0.0.1"): None,
    ("uvicorn --factory --no-proxy-headers", None): "127.0.0.1",
    ("uvicorn --factory --no-proxy-headers", "127.0.0.1"): FORGED,
}


@pytest.mark.parametrize(("front", "trusted"), EXPECTED, ids=[f"{f}, {t}" for f, t in EXPECTED])
async def test_only_trusted_proxies_decide_the_audited_address(
    front: str,
    trusted: str | None,
    settings: Settings,
    factory: Factory,
    engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    async with _serving(FRONTS[front], trusted, settings, tmp_path) as server:
        found = {name: await path(server, factory, engine, FORGED) for name, path in PATHS.items()}

    assert found == dict.fromkeys(PATHS, EXPECTED[front, trusted])


# X-Forwarded-For -> the audited address, trusted proxies unset, per front
HOPS: dict[str, tuple[str | None, str | None]] = {
    # header: (salonbook serve, plain uvicorn)
    f"{FORGED}:5555": ("127.0.0.1", None),
    f"{FORGED}:+5555": ("127.0.0.1", None),  # uvicorn reads the port with int()
    "[2001:db8::7]:443": ("127.0.0.1", None),
    "10.0.0.1, 127.0.0.1": ("127.0.0.1", None),
    "not-an-ip": ("127.0.0.1", None),
}


@pytest.mark.parametrize("front", ["salonbook serve", "uvicorn --factory"])
async def test_no_forwarded_for_shape_is_believed_without_trusted_proxies(
    front: str, settings: Settings, factory: Factory, engine: AsyncEngine, tmp_path: Path
) -> None:
    column = 0 if front == "salonbook serve" else 1
    async with _serving(FRONTS[front], None, settings, tmp_path) as server:
        found = {hops: await _cancel_over_http(server, factory, engine, hops) for hops in HOPS}

    assert found == {hops: expected[column] for hops, expected in HOPS.items()}
