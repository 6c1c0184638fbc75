"""The API's refusals of a schedule edit, beside the form that was refused: VALIDATION_FAILED
with its field (the button disabled while the edit was in flight; time off ending before it
starts, corrected and sent again), VERSION_CONFLICT when another tab saved first (that tab's
hours appear live; sending again replaces them) — and nothing the user typed is lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from playwright.async_api import Browser, Route, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import anchor, token
from tests.e2e.browser.hours import (
    DASH,
    admin_on,
    changes,
    form,
    local,
    panel,
    reason,
    stylist_schedule,
    works_on,
)
from tests.support.api import Api


async def test_a_refusal_shows_beside_the_form_and_keeps_what_was_typed(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    async with offline_browser(live, browser=chromium) as browser:
        admin = await browser.context.new_page()
        answered = asyncio.Event()

        async def slowly(route: Route) -> None:
            if "setWorkingHours" in (route.request.post_data or ""):
                await answered.wait()  # held until the test has seen the form in flight
            await route.continue_()

        await admin.route("**/graphql", slowly)
        await admin_on(admin, live, bearer, party.stylist.display_name)
        await panel(admin).get_by_role("button", name="Edit weekly hours").click()
        hours = form(admin, "Weekly hours")
        await hours.get_by_role("checkbox", name="Set weekly hours").check()
        await hours.get_by_role("button", name="Add Working hours Tuesday").click()
        await hours.get_by_label("Working hours Tuesday 2 from").fill("10:00")
        await hours.get_by_label("Working hours Tuesday 2 until").fill("11:00")  # inside 09-17
        await reason(hours).fill("Two shifts on Tuesdays")
        save = hours.get_by_role("button", name="Save weekly hours")
        await save.click()
        await expect(hours.get_by_role("button", name="Saving…")).to_be_disabled()
        await expect(hours.get_by_label("Working hours Tuesday 2 from")).to_be_disabled()
        answered.set()

        refusal = hours.get_by_role("alert")
        await expect(refusal).to_have_text("workingHours: intervals overlap (field: workingHours)")
        await expect(refusal).to_have_attribute("data-code", "VALIDATION_FAILED")
        await expect(save).to_be_enabled()
        await expect(reason(hours)).to_have_value("Two shifts on Tuesdays")
        await expect(hours.get_by_label("Working hours Tuesday 2 from")).to_have_value("10:00")
        await expect(hours.get_by_label("Working hours Tuesday 2 until")).to_have_value("11:00")
        await expect(works_on(admin, "Tuesday")).to_have_text("Not set")

    found = await stylist_schedule(api, party.stylist.id, bearer)
    assert found["workingHours"] is None
    assert await changes(api, party.stylist.id, bearer) == []


async def test_a_version_conflict_keeps_the_draft_and_sending_again_replaces_the_other_edit(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    second_admin = token(settings, await salon.factory.person(party.admin.role))
    async with offline_browser(live, browser=chromium) as browser:
        first = await browser.context.new_page()
        await admin_on(first, live, bearer, party.stylist.display_name)
        await panel(first).get_by_role("button", name="Edit weekly hours").click()
        mine = form(first, "Weekly hours")
        await mine.get_by_role("checkbox", name="Set weekly hours").check()
        await mine.get_by_label("Working hours Monday 1 from").fill("07:00")
        await reason(mine).fill("Early shift on Mondays")

        other = await (await browser.another_context()).new_page()
        await admin_on(other, live, second_admin, party.stylist.display_name)
        await panel(other).get_by_role("button", name="Edit weekly hours").click()
        theirs = form(other, "Weekly hours")
        await theirs.get_by_role("checkbox", name="Set weekly hours").check()
        await theirs.get_by_label("Working hours Monday 1 until").fill("20:00")
        await reason(theirs).fill("Late shift on Mondays")
        await theirs.get_by_role("button", name="Save weekly hours").click()
        await expect(works_on(first, "Monday")).to_have_text(f"09:00{DASH}20:00")  # live

        save = mine.get_by_role("button", name="Save weekly hours")
        await save.click()
        refusal = mine.get_by_role("alert")
        await expect(refusal).to_have_attribute("data-code", "VERSION_CONFLICT")
        await expect(refusal).to_contain_text("Someone changed this meanwhile")
        await expect(mine.get_by_label("Working hours Monday 1 from")).to_have_value("07:00")
        await expect(mine.get_by_label("Working hours Monday 1 until")).to_have_value("17:00")
        await expect(reason(mine)).to_have_value("Early shift on Mondays")

        await save.click()  # seen: now against the version shown
        await expect(works_on(first, "Monday")).to_have_text(f"07:00{DASH}17:00")
        await expect(works_on(other, "Monday")).to_have_text(f"07:00{DASH}17:00")

    found = await stylist_schedule(api, party.stylist.id, bearer)
    assert found["version"] == 2
    assert found["workingHours"][0] == {
        "weekday": "MONDAY",
        "intervals": [{"start": "07:00", "end": "17:00"}],
    }
    assert [change["reason"] for change in await changes(api, party.stylist.id, bearer)] == [
        "Early shift on Mondays",
        "Late shift on Mondays",
    ]


async def test_the_admins_time_off_for_a_stylist_refused_then_corrected_then_removed(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    now = anchor()
    async with offline_browser(live, browser=chromium) as browser:
        admin = await browser.context.new_page()
        await admin_on(admin, live, bearer, party.stylist.display_name)
        away = form(admin, "Add time off")
        start, end = local(now + timedelta(hours=3)), local(now + timedelta(hours=1))
        await away.get_by_label("Away from").fill(start)
        await away.get_by_label("Back at").fill(end)  # before the start
        await reason(away).fill("Training day")
        await away.get_by_role("button", name="Add time off").click()
        refusal = away.get_by_role("alert")
        await expect(refusal).to_have_text("end must be after start (field: end)")
        await expect(away.get_by_label("Away from")).to_have_value(start)
        await expect(away.get_by_label("Back at")).to_have_value(end)
        await expect(reason(away)).to_have_value("Training day")

        await away.get_by_label("Back at").fill(local(now + timedelta(hours=5)))
        await away.get_by_role("button", name="Add time off").click()
        await expect(refusal).to_have_count(0)
        listed = panel(admin).get_by_role("list", name="Time off")
        await expect(listed).to_contain_text(f"15:00 {DASH} ")
        await expect(listed).to_contain_text("Training day")

        await listed.get_by_role("button", name="Remove time off").click()
        prompt = admin.get_by_role("dialog", name="Remove time off?")
        await prompt.get_by_role("textbox", name="Reason").fill("Training moved")
        await prompt.get_by_role("button", name="Remove time off").click()
        await expect(panel(admin)).to_contain_text("No time off.")

    assert (await stylist_schedule(api, party.stylist.id, bearer))["timeOff"] == []
    assert [
        (change["kind"], change["actorRole"], change["reason"])
        for change in await changes(api, party.stylist.id, bearer)
        if change["stylistId"] == str(party.stylist.id)
    ] == [
        ("TIME_OFF_REMOVED", "ADMIN", "Training moved"),
        ("TIME_OFF_ADDED", "ADMIN", "Training day"),
    ]
