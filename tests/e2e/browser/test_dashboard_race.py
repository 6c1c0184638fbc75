"""Two tabs acting on one booking, made deterministic: the second tab's request is held at the
browser until the first tab's action has committed; it then arrives with the version it was
chosen against, is refused with VERSION_CONFLICT, and the second tab rolls its optimistic
status back and says why with the API's message."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Browser, Page, Route, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    act,
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

STALE_START = """mutation($id: ID!, $version: Int!) { transitionBooking(input: {
  bookingId: $id, action: START, expectedVersion: $version}) { ... on Error { code message } } }"""
HISTORY = "query($id: ID!) { booking(id: $id) { status version statusHistory { action } } }"


async def opened(page: Page, live: str, salon: Salon, bearer: str, booking_id: object) -> None:
    await sign_in(page, live, bearer)
    await choose_stylist(page, salon.party.stylist.display_name)
    await open_booking(page, booking_id)


async def test_the_second_tab_is_refused_with_version_conflict_and_rolls_back(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking(minutes=10)  # an admin may start it or cancel it
    bearer = token(settings, salon.party.admin)
    release = asyncio.Event()
    held = asyncio.Event()
    answers: list[dict[str, Any]] = []

    async def hold_transitions(route: Route) -> None:
        if not graphql_operation("transitionBooking")(route.request):
            await route.fallback()
            return
        held.set()
        await asyncio.wait_for(release.wait(), timeout=30)
        response = await route.fetch()
        answers.append(await response.json())
        await route.fulfill(response=response)

    async with offline_browser(live, browser=chromium) as browser:
        first = await browser.context.new_page()
        await opened(first, live, salon, bearer, booking.id)
        second = await browser.context.new_page()  # in front from now on
        await opened(second, live, salon, bearer, booking.id)
        await second.route("**/graphql", hold_transitions)

        await action(second, "Start").click()
        await asyncio.wait_for(held.wait(), timeout=10)
        await expect(status_cell(second, booking.id)).to_have_text("In progress")  # optimistic
        await expect(action(second, "Cancel booking")).to_be_disabled()  # a request in flight

        await first.bring_to_front()  # a background tab's frames are throttled
        answer = await act(first, "Cancel booking", reason="Cancelled at the desk")
        await expect(status_cell(first, booking.id)).to_have_text("Cancelled")
        release.set()  # the second tab's START now reaches the server, a version late

        # what the API says to a START chosen against the version before the cancellation
        stale = {"id": str(booking.id), "version": booking.facts.version}
        said = (await api.gql(STALE_START, stale, token=bearer))["data"]["transitionBooking"]
        assert said["code"] == "VERSION_CONFLICT"
        toast = notifications(second).get_by_role("alert")
        await expect(toast).to_contain_text(said["message"])
        await expect(status_cell(second, booking.id)).to_have_text("Cancelled")  # the server's

    assert "errors" not in answer, answer
    (refused,) = answers  # the second tab's own answer
    assert refused["data"]["transitionBooking"]["__typename"] == "VersionConflictError"
    found = await api.gql(HISTORY, {"id": str(booking.id)}, token=bearer)
    assert found["data"]["booking"] == {
        "status": "CANCELLED",
        "version": booking.facts.version + 1,
        "statusHistory": [{"action": "CONFIRM"}, {"action": "CANCEL"}],
    }
