"""The schedule: Day and Week (aria-pressed), Previous / Today / Next, the range in an h2, 50
bookings a page with Next page / Previous page, and the empty range's text."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from salonbook.domain.statuses import BookingStatus
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import bookings, sign_in, token

PAGE = 50


async def test_pages_of_fifty_day_and_week_and_an_empty_range(
    chromium: Browser, live: str, salon: Salon, settings: Settings
) -> None:
    short = await salon.factory.service(minutes=5)
    for n in range(PAGE + 1):  # 08:00 to 12:10, one every five minutes
        await salon.factory.booking(
            salon.party,
            status=BookingStatus.PENDING,
            starts_in=timedelta(hours=-4, minutes=5 * n),
            service=short,
        )
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, token(settings, salon.party.stylist))
        day, week = (page.get_by_role("button", name=name, exact=True) for name in ("Day", "Week"))
        rows = bookings(page).locator("[data-booking-id]")
        # the range's h2 (the Working hours panel below has one of its own)
        heading = page.get_by_role("heading", level=2).filter(has_not_text="Working hours")
        await day.click()
        await expect(day).to_have_attribute("aria-pressed", "true")
        await expect(week).to_have_attribute("aria-pressed", "false")
        await expect(rows).to_have_count(PAGE)
        await page.get_by_role("button", name="Next page").click()
        await expect(rows).to_have_count(1)
        await expect(page.get_by_role("button", name="Next page")).to_have_count(0)
        await page.get_by_role("button", name="Previous page").click()
        await expect(rows).to_have_count(PAGE)
        the_day = await heading.inner_text()

        await week.click()
        await expect(week).to_have_attribute("aria-pressed", "true")
        await expect(day).to_have_attribute("aria-pressed", "false")
        await expect(heading).not_to_have_text(the_day)
        await expect(rows).to_have_count(PAGE)
        this_week = await heading.inner_text()
        await page.get_by_role("button", name="Next", exact=True).click()
        await expect(heading).not_to_have_text(this_week)
        await expect(page.get_by_text("No bookings in this range.")).to_be_visible()
        await expect(rows).to_have_count(0)
        await page.get_by_role("button", name="Today", exact=True).click()
        await expect(heading).to_have_text(this_week)
        await expect(rows).to_have_count(PAGE)
