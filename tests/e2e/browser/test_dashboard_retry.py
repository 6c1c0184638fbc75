"""A network failure after the server acted: the answer to COMPLETE is lost on its way back,
the page sends the same intention again with the same idempotency key, and the booking is
completed once — the second answer is the first one replayed."""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import Browser, Route, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    action,
    choose_stylist,
    graphql_operation,
    notifications,
    open_booking,
    sign_in,
    status_cell,
    token,
)
from tests.support.api import Api

HISTORY = "query($id: ID!) { booking(id: $id) { status version statusHistory { action } } }"


async def test_a_lost_answer_is_retried_with_the_same_key_and_acts_once(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking(minutes=-20)  # confirmed, begun 20 min ago: COMPLETE
    bearer = token(settings, salon.party.admin)
    sent: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []

    async def lose_the_first_answer(route: Route) -> None:
        if not graphql_operation("transitionBooking")(route.request):
            await route.fallback()
            return
        sent.append(json.loads(route.request.post_data or "{}")["variables"]["input"])
        response = await route.fetch()  # the server acts
        answers.append(await response.json())
        if len(sent) == 1:
            await route.abort("connectionreset")  # ... and its answer never arrives
        else:
            await route.fulfill(response=response)

    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await sign_in(page, live, bearer)
        await choose_stylist(page, salon.party.stylist.display_name)
        await open_booking(page, booking.id)
        await page.route("**/graphql", lose_the_first_answer)
        await action(page, "Complete").click()
        await expect(notifications(page).get_by_role("status")).to_contain_text("Complete")
        await expect(status_cell(page, booking.id)).to_have_text("Completed")
        await expect(notifications(page).get_by_role("alert")).to_have_count(0)

    first, again = sent
    assert first == again  # the same intention: same key, same expected version
    assert first["idempotencyKey"] and first["expectedVersion"] == booking.facts.version
    assert answers[0] == answers[1]  # the replay of the first answer
    assert answers[0]["data"]["transitionBooking"]["__typename"] == "TransitionBookingSuccess"
    found = await api.gql(HISTORY, {"id": str(booking.id)}, token=bearer)
    assert found["data"]["booking"] == {
        "status": "COMPLETED",
        "version": booking.facts.version + 1,
        "statusHistory": [{"action": "CONFIRM"}, {"action": "COMPLETE"}],
    }
