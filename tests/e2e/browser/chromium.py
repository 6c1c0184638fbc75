"""Debian's chromium driven by Playwright, with every request to a host other than the server
under test aborted: what the page shows is what works with no internet."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Route, async_playwright


@dataclass
class Offline:
    """A browser context that reaches `server` (host:port) and nothing else."""

    context: BrowserContext
    refused: list[str] = field(default_factory=list)


def chromium_path() -> str:
    found = shutil.which("chromium")
    assert found is not None, "the browser tests need Debian's chromium: apt-get install chromium"
    return found


@asynccontextmanager
async def offline_browser(server: str) -> AsyncIterator[Offline]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        try:
            offline = Offline(
                context=await browser.new_context(viewport={"width": 1280, "height": 800})
            )

            async def only_the_server(route: Route) -> None:
                if urlsplit(route.request.url).netloc == server:
                    await route.continue_()
                else:
                    offline.refused.append(route.request.url)
                    await route.abort()

            await offline.context.route("**/*", only_the_server)
            yield offline
        finally:
            await browser.close()
