"""Debian's chromium driven by Playwright, with every request to a host other than the server
under test aborted (and every websocket to another host closed): what the page shows is what
works with no internet."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Route, WebSocketRoute, async_playwright

DESKTOP = {"width": 1280, "height": 800}


@dataclass
class Offline:
    """Browser contexts that reach `server` (host:port) and nothing else; `context` is the
    first, `another_context` makes more (each its own session: a second person, a phone)."""

    browser: Browser
    server: str
    context: BrowserContext = field(init=False)
    refused: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    async def another_context(self, **options: Any) -> BrowserContext:
        """A context like the first, with Playwright's `new_context` options (viewport...)."""
        context = await self.browser.new_context(
            **({"viewport": DESKTOP, "timezone_id": "UTC", "locale": "en-GB"} | options)
        )

        async def only_the_server(route: Route) -> None:
            if urlsplit(route.request.url).netloc == self.server:
                await route.continue_()
            else:
                self.refused.append(route.request.url)
                await route.abort()

        async def refuse_socket(socket: WebSocketRoute) -> None:
            self.refused.append(socket.url)
            await socket.close(code=1008)

        self.contexts.append(context)
        await context.route("**/*", only_the_server)
        await context.route_web_socket(
            lambda url: urlsplit(url).netloc != self.server, refuse_socket
        )
        return context


def chromium_path() -> str:
    found = shutil.which("chromium")
    assert found is not None, "the browser tests need Debian's chromium: apt-get install chromium"
    return found


@asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def offline_browser(
    server: str, *, browser: Browser | None = None, **options: Any
) -> AsyncIterator[Offline]:
    """Offline contexts (the first made with `options`) in `browser`, closed on the way out;
    without one, in a chromium of their own. With a browser given, leaving the block also
    asserts that the pages asked no other host for anything."""
    if browser is None:
        async with launched() as own, offline_browser(server, browser=own, **options) as offline:
            yield offline
        return
    offline = Offline(browser=browser, server=server)
    try:
        offline.context = await offline.another_context(**options)
        yield offline
        assert offline.refused == [], f"the pages asked other hosts: {offline.refused}"
    finally:
        for context in offline.contexts:
            await context.close()
