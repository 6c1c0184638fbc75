"""The server restarted under an open page: a server process on a fixed port is stopped, a
booking changes while it is down, the server starts again on the same port; the page shows
`Reconnecting…`, then `Live`, and the change made meanwhile exactly once."""

from __future__ import annotations

import socket
from pathlib import Path

from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncEngine

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    bookings,
    connection,
    history,
    open_booking,
    row,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api
from tests.support.processes import UVICORN, server_environment, servers
from tests.support.streams import cancel_committed

HISTORY = "query($id: ID!) { booking(id: $id) { statusHistory { id } } }"
BACK_WITHIN = 30_000
"""Milliseconds: the page retries with a growing, jittered backoff."""
BACKOFF_CEILING = 20_000
"""Milliseconds: longer than the page's longest wait between two attempts."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def on_port(port: int) -> tuple[str, ...]:
    """uvicorn's command of processes.py, on this port rather than one the kernel picks."""
    at = UVICORN.index("--port") + 1
    return (*UVICORN[:at], str(port), *UVICORN[at + 1 :])


async def test_after_a_restart_the_page_is_live_again_and_shows_what_changed_exactly_once(
    chromium: Browser,
    database_url: str,
    engine: AsyncEngine,
    salon: Salon,
    settings: Settings,
    api: Api,
    tmp_path: Path,
) -> None:
    party, factory = salon.party, salon.factory
    seen_live, while_down, afterwards = [await salon.booking(minutes=m) for m in (10, 40, 70)]
    port = free_port()
    base = f"127.0.0.1:{port}"
    environment = server_environment(database_url=database_url, broadcast_url=None)
    command = on_port(port)
    async with offline_browser(base, browser=chromium) as browser:
        page = await browser.context.new_page()
        await page.clock.install()  # runs on its own; moved on only to skip a backoff's wait
        async with servers(["before"], environment=environment, logs=tmp_path, command=command):
            await sign_in(page, base, token(settings, party.stylist))
            await open_booking(page, while_down.id)
            await cancel_committed(engine, party, seen_live, factory)  # the page holds a cursor
            await expect(status_cell(page, seen_live.id)).to_have_text("Cancelled")
        await expect(connection(page)).to_have_text("Reconnecting…")

        await cancel_committed(engine, party, while_down, factory)

        async with servers(["after"], environment=environment, logs=tmp_path, command=command):
            # the page waits between attempts (up to its backoff's ceiling, jittered): the
            # server is up, so let that wait pass at once
            await page.clock.fast_forward(BACKOFF_CEILING)
            await expect(connection(page)).to_have_text("Live", timeout=BACK_WITHIN)
            await expect(status_cell(page, while_down.id)).to_have_text("Cancelled")
            await expect(row(page, while_down.id)).to_have_count(1)
            await cancel_committed(engine, party, afterwards, factory)  # and it carries on
            await expect(status_cell(page, afterwards.id)).to_have_text("Cancelled")
            recorded = await api.gql(
                HISTORY, {"id": str(while_down.id)}, token=token(settings, party.admin)
            )
            changes = len(recorded["data"]["booking"]["statusHistory"])
            await expect(history(page)).to_have_count(changes)  # the open detail: once
            await expect(bookings(page).locator("[data-booking-id]")).to_have_count(3)
            refused = browser.refused

    assert changes == 2
    assert refused == []
