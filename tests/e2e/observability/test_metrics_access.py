"""/metrics is for the scraper: with SALONBOOK_METRICS_TOKEN it needs that bearer token; with
SALONBOOK_METRICS_ADDRESS it is served on that listener only (a real server process)."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from salonbook.observability.metrics_listener import metrics_listener
from tests.support.processes import SERVE, ServerProcess, server_environment, servers

TOKEN = "scrape-" + "k" * 30
REFUSED = {"error": "the metrics token is required"}
METRICS_AT = re.compile(rb"metrics served on 127\.0\.0\.1:(\d+)/metrics")


@pytest.fixture(scope="module")
async def guarded(settings: Settings, clock: SettableClock) -> AsyncIterator[httpx.AsyncClient]:
    app: Starlette = create_app(settings.model_copy(update={"metrics_token": TOKEN}), clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as c:
            yield c


@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer", TOKEN],
    ids=["none", "a prefix", "longer", "another scheme", "no token", "no scheme"],
)
async def test_a_scrape_without_the_token_is_refused(
    guarded: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await guarded.get("/metrics", headers=headers)

    assert (response.status_code, response.json()) == (401, REFUSED)
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'


async def test_a_scrape_with_the_token_reads_the_metrics(guarded: httpx.AsyncClient) -> None:
    response = await guarded.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})

    assert response.status_code == 200
    assert "salonbook_requests_total" in response.text


def _metrics_port(server: ServerProcess) -> int:
    """The listener's port, said in the log at start-up, before the server listens."""
    found = METRICS_AT.search(server.log.read_bytes())
    assert found is not None, server.log_tail()
    return int(found.group(1))


async def test_a_metrics_address_serves_metrics_there_only(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url is not None
    environment = server_environment(database_url=settings.database_url, broadcast_url=None)
    environment |= {
        "SALONBOOK_SWEEP_SECONDS": "0",
        "SALONBOOK_METRICS_ADDRESS": "127.0.0.1:0",
        "SALONBOOK_METRICS_TOKEN": TOKEN,
    }
    async with servers(["metrics"], environment=environment, logs=tmp_path, command=SERVE) as (
        server,
    ):
        port = _metrics_port(server)
        async with httpx.AsyncClient(timeout=5) as http:
            on_main = await http.get(
                f"http://{server.base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            unauthorised = await http.get(f"http://127.0.0.1:{port}/metrics")
            scraped = await http.get(
                f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            no_api = await http.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{me{id}}"})

    assert (on_main.status_code, unauthorised.status_code) == (404, 401)
    assert (scraped.status_code, no_api.status_code) == (200, 404)
    assert "salonbook_db_pool_size" in scraped.text
    assert b"Application shutdown complete." in server.log.read_bytes()
    assert b'"level":"ERROR"' not in server.log.read_bytes(), server.log_tail()
    # the listener stopped with the server: nothing answers on its port
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(timeout=5) as http:
            await http.get(f"http://127.0.0.1:{port}/metrics")


async def test_a_metrics_address_in_use_stops_the_start_naming_the_setting() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"SALONBOOK_METRICS_ADDRESS=127.0.0.1:{port}"):
            async with metrics_listener(Starlette(), address=f"127.0.0.1:{port}"):
                pass
