"""The dashboard in a real browser that can reach only the server: a demo stylist signs in
with one click, sees their day, opens a booking and reads its status history."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.browser.chromium import offline_browser
from tests.support.demo_app import demo_app
from tests.support.live import serve

WITHIN = 15_000


async def test_a_demo_stylist_signs_in_and_reads_a_bookings_history(server_url: str) -> None:
    async with (
        demo_app(server_url) as app,
        serve(app) as base,
        offline_browser(base) as browser,
    ):
        page = await browser.context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"http://{base}/dashboard")
        await expect(page).to_have_title("salonbook dashboard")
        people = page.get_by_role("list", name="Demo people")
        await people.get_by_role("button", name="Sam Scissors (stylist)").click()

        await expect(page.get_by_role("banner")).to_contain_text("Sam Scissors")
        await expect(page.get_by_role("status", name="Connection")).to_have_text(
            "Live", timeout=WITHIN
        )
        table = page.get_by_role("table", name="Bookings")
        rows = table.locator("tbody tr[data-booking-id]")
        await expect(rows.first).to_be_visible(timeout=WITHIN)
        for stylist in await rows.locator("td:nth-child(5)").all_inner_texts():
            assert stylist == "Sam Scissors"  # a stylist's own day

        # whatever the hour, today holds one of the demo's confirmed, started or done ones
        opened = rows.filter(has_not_text="Pending").first
        await opened.focus()
        await page.keyboard.press("Enter")
        detail = page.get_by_role("region", name="Booking details")
        history = detail.get_by_role("list", name="Status history")
        await expect(history.get_by_role("listitem").first).to_contain_text(
            "Pending → Confirmed", timeout=WITHIN
        )
        await expect(detail).to_contain_text("Sam Scissors")
        session = await page.evaluate("Object.keys(sessionStorage)")
        in_url = page.url
        refused = browser.refused

    assert errors == []
    assert refused == []  # everything came from the server
    assert session == ["salonbook.token"] and "token" not in in_url
