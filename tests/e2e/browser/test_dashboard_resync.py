"""RESYNC_REQUIRED leads to a refetch: the page's socket is cut and kept out while a booking
changes and the server's clock passes the outbox retention, so the cursor the page resumes from
is answered RESYNC_REQUIRED instead of the missed event; the page refetches, shows the change,
and carries on live."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, WebSocketRoute, expect
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import connection, sign_in, status_cell, token
from tests.support.streams import cancel_committed

GOING_AWAY = 1001


class Gate:
    """The page's websockets, passed to the server while open, closed at once while shut;
    what the server sent is kept."""

    def __init__(self) -> None:
        self.open = True
        self.sockets: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        self.from_server: list[str] = []

    async def __call__(self, page_side: WebSocketRoute) -> None:
        if not self.open:
            await page_side.close(code=GOING_AWAY)
            return
        server_side = page_side.connect_to_server()

        def forward(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            self.from_server.append(text)
            page_side.send(text)

        server_side.on_message(forward)
        self.sockets.append((page_side, server_side))

    async def cut(self) -> None:
        self.open = False
        for page_side, server_side in self.sockets:
            await server_side.close(code=GOING_AWAY)
            await page_side.close(code=GOING_AWAY)
        self.sockets.clear()


async def test_resync_required_makes_the_page_refetch_and_carry_on(
    chromium: Browser,
    live: str,
    salon: Salon,
    settings: Settings,
    engine: AsyncEngine,
    app: Starlette,
) -> None:
    party, factory = salon.party, salon.factory
    seen_live, missed, afterwards = [await salon.booking(minutes=m) for m in (10, 40, 70)]
    gate = Gate()
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await page.route_web_socket("**/graphql", gate)
        await sign_in(page, live, token(settings, party.stylist))
        await cancel_committed(engine, party, seen_live, factory)  # the page holds a cursor
        await expect(status_cell(page, seen_live.id)).to_have_text("Cancelled")

        await gate.cut()
        await expect(connection(page)).not_to_have_text("Live")
        await cancel_committed(engine, party, missed, factory)
        factory.clock.advance(app.state.runtime.stream.retention + timedelta(minutes=1))
        resyncs = len([m for m in gate.from_server if "RESYNC_REQUIRED" in m])
        gate.open = True

        await expect(connection(page)).to_have_text("Live", timeout=30_000)
        await expect(status_cell(page, missed.id)).to_have_text("Cancelled")
        await cancel_committed(engine, party, afterwards, factory)
        await expect(status_cell(page, afterwards.id)).to_have_text("Cancelled")
        told = [m for m in gate.from_server if "RESYNC_REQUIRED" in m]

    assert resyncs == 0
    assert len(told) == 1  # the server did answer the page's cursor so
