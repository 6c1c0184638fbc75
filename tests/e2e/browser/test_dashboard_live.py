"""Two people, two browser contexts, one booking: the admin cancels it with a reason, and the
stylist's page, open on the schedule, shows it within a second without reloading."""

from __future__ import annotations

import time
from datetime import timedelta

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    act,
    choose_stylist,
    details,
    history,
    open_booking,
    row,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api

REASON = "The customer called: flu"
RESCHEDULE = """mutation($id: ID!, $start: DateTime!) {
  rescheduleBooking(input: {bookingId: $id, startTime: $start}) { __typename } }"""
STATUS = "query($id: ID!) { booking(id: $id) { status version cancellation { reason } } }"


async def test_the_admins_cancellation_reaches_the_stylists_page_within_a_second(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    booking = await salon.booking()
    async with offline_browser(live, browser=chromium) as browser:
        stylist = await (await browser.another_context()).new_page()
        await sign_in(stylist, live, token(settings, party.stylist))
        await expect(status_cell(stylist, booking.id)).to_have_text("Confirmed")
        loads = []
        stylist.on("framenavigated", lambda frame: loads.append(frame.url))

        admin = await browser.context.new_page()
        await sign_in(admin, live, token(settings, party.admin))
        await choose_stylist(admin, party.stylist.display_name)
        await open_booking(admin, booking.id)
        answer = await act(admin, "Cancel booking", reason=REASON)
        answered = time.monotonic()
        await expect(status_cell(stylist, booking.id)).to_have_text("Cancelled", timeout=1000)
        took = time.monotonic() - answered

        # the admin's own page: the change and its reason in the history, newest last
        await expect(status_cell(admin, booking.id)).to_have_text("Cancelled")
        await expect(history(admin).last).to_contain_text(REASON)
        await expect(history(admin).last).to_contain_text("Confirmed → Cancelled")
        await expect(history(admin).last).to_contain_text("admin", ignore_case=True)
        await expect(details(admin)).to_contain_text("Cancelled")
        # the audit's IP address is the admin's to see (the API's decision), not the stylist's
        await expect(history(admin).last).to_contain_text("127.0.0.1")
        await open_booking(stylist, booking.id)
        await expect(history(stylist).last).to_contain_text(REASON)
        await expect(history(stylist).last).not_to_contain_text("127.0.0.1")
        refused = browser.refused

    assert "errors" not in answer, answer
    assert took < 1.0
    assert loads == []  # no reload, no navigation: the row changed in place
    assert refused == []
    found = await api.gql(STATUS, {"id": str(booking.id)}, token=token(settings, party.admin))
    assert found["data"]["booking"] == {
        "status": "CANCELLED",
        "version": booking.facts.version + 1,
        "cancellation": {"reason": REASON},
    }


async def test_a_booking_made_in_range_appears_and_one_moved_out_of_it_leaves(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, token(settings, salon.party.stylist))
        made = await salon.booking(minutes=100)  # CREATED, then STATUS_CHANGED (confirmed)
        await expect(status_cell(page, made.id)).to_have_text("Confirmed")
        tomorrow = made.facts.start + timedelta(days=1)
        moved = await api.gql(
            RESCHEDULE,
            {"id": str(made.id), "start": tomorrow.isoformat()},
            token=token(settings, salon.party.admin),
        )
        assert moved["data"]["rescheduleBooking"]["__typename"] == "RescheduleBookingSuccess"
        await expect(row(page, made.id)).to_have_count(0)
        await page.get_by_role("button", name="Next", exact=True).click()
        await expect(status_cell(page, made.id)).to_have_text("Confirmed")
