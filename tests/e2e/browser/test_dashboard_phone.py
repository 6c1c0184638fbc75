"""A phone (390 by 844): the schedule and a booking's detail, one at a time, each usable without
scrolling sideways; `Back to schedule` returns to the list."""

from __future__ import annotations

from playwright.async_api import Browser, Locator, Page, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import action, bookings, details, row, sign_in, status_cell, token

PHONE = {"width": 390, "height": 844}
WIDEST = "document.documentElement.scrollWidth"


async def within_the_width(page: Page, *targets: Locator) -> None:
    assert await page.evaluate(WIDEST) <= PHONE["width"]
    for target in targets:
        box = await target.bounding_box()
        assert box is not None, f"{target} is not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (target, box)


async def test_the_schedule_and_the_detail_fit_a_phone(
    chromium: Browser, live: str, salon: Salon, settings: Settings
) -> None:
    booking = await salon.booking()
    phone = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
    async with offline_browser(live, browser=chromium, **phone) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, token(settings, salon.party.stylist))
        await expect(status_cell(page, booking.id)).to_have_text("Confirmed")
        await within_the_width(page, bookings(page), status_cell(page, booking.id))

        await row(page, booking.id).tap()
        region = details(page)
        await expect(region).to_be_visible()
        back = region.get_by_role("button", name="Back to schedule")
        await expect(back).to_be_visible()
        await expect(action(page, "Cancel booking")).to_be_visible()
        await within_the_width(page, region, back, action(page, "Cancel booking"))
        await expect(region).to_contain_text(salon.service.name)

        await back.tap()
        await expect(bookings(page)).to_be_visible()
        await expect(row(page, booking.id)).to_be_in_viewport()
        assert await page.evaluate(WIDEST) <= PHONE["width"]
