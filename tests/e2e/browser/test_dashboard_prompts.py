"""The prompts before an action: a confirmation with the API's warning, a reason where the
API requires one (the button disabled while it is blank), Back and Escape leaving the booking
as it was."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, Request, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    act,
    action,
    choose_stylist,
    dialog,
    graphql_operation,
    history,
    is_transition,
    open_booking,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api

ACTIONS = """query($id: ID!) { booking(id: $id) {
  availableActions { action requiresReason requiresConfirmation warning } } }"""


async def available(api: Api, booking_id: object, bearer: str) -> dict[str, dict[str, Any]]:
    body = await api.gql(ACTIONS, {"id": str(booking_id)}, token=bearer)
    return {found["action"]: found for found in body["data"]["booking"]["availableActions"]}


async def admin_on_booking(page: Page, live: str, salon: Salon, bearer: str, booking: Any) -> None:
    await sign_in(page, live, bearer)
    await choose_stylist(page, salon.party.stylist.display_name)
    await open_booking(page, booking.id)


async def test_cancel_asks_for_a_reason_and_back_or_escape_change_nothing(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking()
    bearer = token(settings, salon.party.admin)
    assert (await available(api, booking.id, bearer))["CANCEL"]["requiresReason"] is True
    sent: list[Request] = []
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        page.on(
            "request",
            lambda r: sent.append(r) if graphql_operation("transitionBooking")(r) else None,
        )
        await admin_on_booking(page, live, salon, bearer, booking)

        prompt = dialog(page, "Cancel booking")
        go = prompt.get_by_role("button", name="Cancel booking", exact=True)
        await action(page, "Cancel booking").click()
        await expect(prompt).to_be_visible()
        await expect(prompt.get_by_label("Reason")).to_be_editable()
        await expect(go).to_be_disabled()
        await prompt.get_by_label("Reason").fill("   \n ")
        await expect(go).to_be_disabled()  # a blank reason is no reason
        await prompt.get_by_role("button", name="Back", exact=True).click()
        await expect(prompt).to_be_hidden()

        await action(page, "Cancel booking").click()
        await expect(prompt).to_be_visible()
        await page.keyboard.press("Escape")
        await expect(prompt).to_be_hidden()
        await expect(status_cell(page, booking.id)).to_have_text("Confirmed")
        assert sent == []  # neither Back nor Escape asked anything of the server

        answer = await act(page, "Cancel booking", reason="  Double booked  ")
        await expect(status_cell(page, booking.id)).to_have_text("Cancelled")
        await expect(history(page).last).to_contain_text("Double booked")
        await expect(prompt).to_be_hidden()
    assert "errors" not in answer, answer
    assert len(sent) == 1


async def test_no_show_shows_the_apis_warning_and_its_revert_needs_a_reason(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking(minutes=-20)  # started 20 minutes ago
    bearer = token(settings, salon.party.admin)
    offered = (await available(api, booking.id, bearer))["MARK_NO_SHOW"]
    assert (offered["requiresConfirmation"], offered["requiresReason"]) == (True, False)
    assert offered["warning"]
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await admin_on_booking(page, live, salon, bearer, booking)

        await action(page, "Mark no-show").click()
        prompt = dialog(page, "Mark no-show")
        await expect(prompt).to_be_visible()
        await expect(prompt).to_contain_text(offered["warning"])
        await expect(prompt.get_by_label("Reason")).to_have_count(0)  # not required: not asked
        async with page.expect_response(is_transition):
            await prompt.get_by_role("button", name="Mark no-show", exact=True).click()
        await expect(status_cell(page, booking.id)).to_have_text("No-show")

        revert = (await available(api, booking.id, bearer))["REVERT_NO_SHOW"]
        assert revert["requiresReason"] is True
        answer = await act(page, "Revert no-show", reason="She was in the waiting room")
        await expect(status_cell(page, booking.id)).to_have_text("Confirmed")
        await expect(history(page).last).to_contain_text("She was in the waiting room")
    assert "errors" not in answer, answer
