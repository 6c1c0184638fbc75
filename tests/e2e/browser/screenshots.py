"""The README's dashboard screenshots: `uv run python -m tests.e2e.browser.screenshots`.

Starts `salonbook serve --demo` as the README does (on a throwaway database of DATABASE_URL's
server when it is set, else an embedded PostgreSQL in a temporary directory), signs in as the
demo admin in chromium (every other host refused) and writes docs/screenshots/
dashboard-desktop.png (1280x800, a booking open), dashboard-phone.png (390x844) and
dashboard-hours.png (1280x800 of the Working hours panel, a stylist's week in view)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import BrowserContext, FloatRect, Locator, Page, expect

from salonbook.db.urls import plain_url
from tests.e2e.browser.chromium import DESKTOP, offline_browser
from tests.e2e.browser.dashboard import (
    SIGN_IN_WITHIN,
    bookings,
    choose_stylist,
    connection,
    details,
    history,
)
from tests.e2e.browser.hours import panel
from tests.support.databases import own_database, with_database
from tests.support.processes import ROOT, SERVE, servers

OUT = ROOT / "docs" / "screenshots"
ADMIN = "Avery Admin (admin)"
STYLIST = "Sam Scissors"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@asynccontextmanager
async def demo_database(scratch: Path) -> AsyncIterator[dict[str, str]]:
    """The environment of a demo server: its own database, gone afterwards."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SALONBOOK_") and name != "DATABASE_URL"
    }
    chosen = {"SALONBOOK_ENV": "development", "PYTHONUNBUFFERED": "1"}
    given = os.environ.get("DATABASE_URL")
    if not given:
        yield inherited | chosen | {"SALONBOOK_DATA_DIR": str(scratch / "data")}
        return
    server = plain_url(given)
    async with own_database(server, prefix="salonbook_screenshots") as name:
        yield inherited | chosen | {"DATABASE_URL": with_database(server, name)}


async def signed_in_as_admin(context: BrowserContext, base: str) -> Page:
    page = await context.new_page()
    await page.goto(f"http://{base}/dashboard")
    people = page.get_by_role("list", name="Demo people")
    await people.get_by_role("button", name=ADMIN).click()
    await expect(connection(page)).to_have_text("Live", timeout=SIGN_IN_WITHIN)
    await expect(bookings(page)).to_have_attribute("aria-busy", "false")
    return page


async def to_the_next_confirmed(page: Page) -> Locator:
    """The first confirmed booking's row, moving on a day at a time (at night the demo's day
    is over: its bookings start when their stylists work again)."""
    for _ in range(7):
        soon = bookings(page).get_by_role("row").filter(has_text="Confirmed").first
        if await soon.count():
            return soon
        await page.get_by_role("button", name="Next", exact=True).click()
        await expect(bookings(page)).to_have_attribute("aria-busy", "false")
    raise AssertionError("no confirmed booking in the demo's week")


async def take(base: str) -> list[str]:
    """Both screenshots; the requests the pages made to other hosts (none, if all is well)."""
    OUT.mkdir(parents=True, exist_ok=True)
    async with offline_browser(base) as browser:
        desktop = await signed_in_as_admin(browser.context, base)
        soon = await to_the_next_confirmed(desktop)
        await soon.click()  # the demo's next booking
        await expect(history(desktop).first).to_be_visible()
        await expect(details(desktop)).to_be_visible()
        await desktop.screenshot(path=OUT / "dashboard-desktop.png")

        await desktop.get_by_role("button", name="Back to schedule").click()
        await choose_stylist(desktop, STYLIST)
        await desktop.get_by_role("button", name="Week", exact=True).click()
        days = panel(desktop).get_by_role("list", name="Working time").get_by_role("listitem")
        await expect(days).to_have_count(7)
        await desktop.mouse.move(0, 0)
        box = await panel(desktop).bounding_box()
        assert box is not None
        top = box["y"] - 16  # the panel's top and what follows, a window's height of it
        clip: FloatRect = {"x": 0, "y": top, "width": DESKTOP["width"], "height": DESKTOP["height"]}
        await desktop.screenshot(path=OUT / "dashboard-hours.png", full_page=True, clip=clip)

        phone = await signed_in_as_admin(await browser.another_context(**PHONE), base)
        await phone.mouse.move(0, 0)  # no row under the pointer that signed in: no hover
        await phone.screenshot(path=OUT / "dashboard-phone.png")
        return browser.refused


async def main() -> int:
    with tempfile.TemporaryDirectory(prefix="salonbook-screenshots-") as scratch:
        async with (
            demo_database(Path(scratch)) as environment,
            servers(
                ["demo"],
                environment=environment,
                logs=Path(scratch),
                command=(*SERVE, "--demo"),
                within=120,
            ) as (server,),
        ):
            refused = await take(server.base)
    for name in ("dashboard-desktop.png", "dashboard-phone.png", "dashboard-hours.png"):
        print(f"wrote {(OUT / name).relative_to(ROOT)}")
    if refused:
        print(f"the pages asked other hosts for {refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
