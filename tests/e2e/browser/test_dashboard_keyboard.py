"""One action with the keyboard alone: Tab to the booking's row, Enter, Tab to `Cancel booking`,
Enter, the dialog, type the reason, Enter."""

from __future__ import annotations

from playwright.async_api import Browser, Locator, Page, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    action,
    details,
    dialog,
    history,
    row,
    sign_in,
    status_cell,
    token,
)

MOST_TABS = 60
REASON = "Running late, will rebook"


async def focused(target: Locator) -> bool:
    return bool(await target.evaluate("element => element === document.activeElement"))


async def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus (at most MOST_TABS presses)."""
    for _ in range(MOST_TABS):
        if await focused(target):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"{target} not reached with {MOST_TABS} presses of Tab")


async def test_cancelling_a_booking_with_the_keyboard_alone(
    chromium: Browser, live: str, salon: Salon, settings: Settings
) -> None:
    booking = await salon.booking()
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, token(settings, salon.party.stylist))
        await expect(status_cell(page, booking.id)).to_have_text("Confirmed")

        await tab_to(page, row(page, booking.id))
        await page.keyboard.press("Enter")
        await expect(details(page)).to_be_visible()
        await expect(action(page, "Cancel booking")).to_be_enabled()
        await tab_to(page, action(page, "Cancel booking"))
        await page.keyboard.press("Enter")

        prompt = dialog(page, "Cancel booking")
        await expect(prompt).to_be_visible()
        await tab_to(page, prompt.get_by_label("Reason"))  # no press when it has the focus
        await page.keyboard.type(REASON)
        await page.keyboard.press("Enter")

        await expect(prompt).to_be_hidden()
        await expect(status_cell(page, booking.id)).to_have_text("Cancelled")
        await expect(history(page).last).to_contain_text(REASON)
