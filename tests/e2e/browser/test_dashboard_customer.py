"""A customer's token: their own bookings only, no other customer anywhere on the page, and
no notes (neither the list nor a way to add one)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    bookings,
    details,
    open_booking,
    row,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api

NOTE = """mutation($id: ID!, $body: String!) { addStylistNote(input: {bookingId: $id, body: $body})
  { __typename } }"""
SECRET_NOTE = "Allergic to the blue dye"


async def test_a_customer_sees_only_their_bookings_and_no_notes(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party, factory = salon.party, salon.factory
    mine = await salon.booking(minutes=10)
    theirs = await factory.booking(
        dataclasses.replace(party, customer=party.other_customer),
        starts_in=timedelta(minutes=40),
        service=salon.service,
    )
    added = await api.gql(
        NOTE, {"id": str(mine.id), "body": SECRET_NOTE}, token=token(settings, party.stylist)
    )
    assert added["data"]["addStylistNote"]["__typename"] == "AddStylistNoteSuccess"

    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, token(settings, party.customer))
        await expect(status_cell(page, mine.id)).to_have_text("Confirmed")
        await expect(row(page, theirs.id)).to_have_count(0)
        await expect(bookings(page).locator("[data-booking-id]")).to_have_count(1)

        region = await open_booking(page, mine.id)
        await expect(region).to_contain_text(salon.service.name)
        await expect(region.get_by_role("list", name="Notes")).to_have_count(0)
        await expect(page.get_by_role("textbox", name="New note")).to_have_count(0)
        await expect(page.get_by_role("button", name="Add note")).to_have_count(0)
        text = await page.locator("body").inner_text()
        await expect(details(page)).to_be_visible()

    assert party.customer.display_name in text
    assert party.other_customer.display_name not in text
    assert SECRET_NOTE not in text
