"""The detail offers exactly the booking's availableActions for this viewer, the suggested one
described as `Suggested`; COMPLETE takes one click, no prompt."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    action,
    choose_stylist,
    is_transition,
    notifications,
    open_booking,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api

NAMES = {
    "CONFIRM": "Confirm",
    "CANCEL": "Cancel booking",
    "START": "Start",
    "COMPLETE": "Complete",
    "MARK_NO_SHOW": "Mark no-show",
    "UNDO_START": "Undo start",
    "REVERT_NO_SHOW": "Revert no-show",
}
OFFER = "query($id: ID!) { booking(id: $id) { availableActions { action } suggestedAction } }"


async def test_exactly_the_available_actions_the_suggested_one_described_complete_in_one_click(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking(minutes=-20)  # started: complete, no-show or cancel
    bearer = token(settings, salon.party.admin)
    offer = (await api.gql(OFFER, {"id": str(booking.id)}, token=bearer))["data"]["booking"]
    offered = {found["action"] for found in offer["availableActions"]}
    assert "COMPLETE" in offered
    assert offer["suggestedAction"] in offered
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, bearer)
        await choose_stylist(page, salon.party.stylist.display_name)
        await open_booking(page, booking.id)
        for code, name in NAMES.items():
            await expect(action(page, name)).to_have_count(1 if code in offered else 0)
        for code in offered:
            button = action(page, NAMES[code])
            await expect(button).to_be_enabled()
            if code == offer["suggestedAction"]:
                await expect(button).to_have_accessible_description("Suggested")
            else:
                await expect(button).not_to_have_accessible_description("Suggested")

        async with page.expect_response(is_transition) as answer:
            await action(page, "Complete").click()
        body = await (await answer.value).json()
        await expect(status_cell(page, booking.id)).to_have_text("Completed")
        await expect(page.get_by_role("dialog")).to_have_count(0)  # no prompt on the way
        await expect(notifications(page).get_by_role("status")).to_be_visible()  # success
    assert "errors" not in body, body
