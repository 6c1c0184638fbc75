"""The undo offered after START: its seconds counting down from the API's `availableUntil`,
undoing the start, and gone once the UNDO_START window has passed (the server's clock and the
page's moved on together, so nothing waits for minutes)."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Browser, Locator, expect
from starlette.applications import Starlette

from salonbook.config import Settings
from salonbook.domain.clock import SettableClock
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    action,
    is_transition,
    open_booking,
    sign_in,
    status_cell,
    token,
    undo,
)
from tests.support.api import Api

UNDO = """mutation($id: ID!) { transitionBooking(input: {bookingId: $id, action: UNDO_START}) {
  __typename ... on Error { code } } }"""


async def seconds_left(offer: Locator, salon: Salon) -> int:
    """The one number the offer shows, the names around it (which may hold digits) aside."""
    text = await offer.inner_text()
    party = salon.party
    for name in (salon.service.name, party.customer.display_name, party.stylist.display_name):
        text = text.replace(name, "")
    (seconds,) = re.findall(r"\d+", text)
    return int(seconds)


async def test_undo_is_offered_after_start_works_and_is_gone_after_the_window(
    chromium: Browser,
    live: str,
    salon: Salon,
    settings: Settings,
    api: Api,
    clock: SettableClock,
    app: Starlette,
) -> None:
    window = app.state.runtime.deps.windows.undo_start
    booking = await salon.booking(minutes=10)  # START is possible 30 minutes early
    bearer = token(settings, salon.party.stylist)
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await page.clock.install(time=clock.now())  # the page's clock runs from the server's
        await sign_in(page, live, bearer)
        await open_booking(page, booking.id)

        async with page.expect_response(is_transition):
            await action(page, "Start").click()
        await expect(status_cell(page, booking.id)).to_have_text("In progress")
        offer = undo(page)
        await expect(offer).to_be_visible()
        seconds = await seconds_left(offer, salon)
        assert window.total_seconds() - 30 < seconds <= window.total_seconds()
        await page.clock.fast_forward(10_000)  # the page's clock only: the count goes down
        later = "|".join(str(seconds - n) for n in (9, 10, 11))
        await expect(offer).to_contain_text(re.compile(rf"\b({later})\b"))

        async with page.expect_response(is_transition):
            await offer.get_by_role("button", name="Undo start", exact=True).click()
        await expect(status_cell(page, booking.id)).to_have_text("Confirmed")
        await expect(offer).to_have_count(0)

        async with page.expect_response(is_transition):
            await action(page, "Start").click()
        await expect(offer).to_be_visible()
        # the window passes for the server and for the page
        clock.advance(window + timedelta(seconds=2))
        await page.clock.fast_forward(int((window + timedelta(seconds=2)).total_seconds() * 1000))
        await expect(offer).to_have_count(0)
        await expect(status_cell(page, booking.id)).to_have_text("In progress")

    late = await api.gql(UNDO, {"id": str(booking.id)}, token=bearer)
    assert late["data"]["transitionBooking"] == {
        "__typename": "UndoWindowExpiredError",
        "code": "UNDO_WINDOW_EXPIRED",
    }
