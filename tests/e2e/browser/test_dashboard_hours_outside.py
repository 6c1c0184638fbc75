"""Weekly hours outside the salon's opening hours: refused beside the form until the admin
ticks "Allow outside opening hours" (the reason says why), then shown as worked — the bar
follows the stylist's hours alone, and the panel says an admin allowed it."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import anchor, token
from tests.e2e.browser.hours import (
    DASH,
    SET_SALON,
    WEEKDAYS,
    admin_on,
    changes,
    form,
    panel,
    reason,
    salon_restored,
    stylist_schedule,
)
from tests.support.api import Api

OPEN = [{"start": "09:00", "end": "18:00"}]
LATE = [{"start": "17:00", "end": "22:00"}]


async def test_hours_past_closing_need_the_admins_allowance_and_then_count_alone(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    today = WEEKDAYS[anchor().weekday()]
    day = today.title()
    async with salon_restored(api, bearer):
        opening = [{"weekday": weekday, "intervals": OPEN} for weekday in WEEKDAYS]
        salon_set = await api.gql(
            SET_SALON,
            {
                "input": {
                    "timeZone": "UTC",
                    "slotMinutes": 15,
                    "openingHours": opening,
                    "reason": "t",
                }
            },
            token=bearer,
        )
        assert salon_set["data"]["setSalonSchedule"]["__typename"] == "SetSalonScheduleSuccess"
        async with offline_browser(live, browser=chromium) as browser:
            admin = await browser.context.new_page()
            await admin_on(admin, live, bearer, party.stylist.display_name)
            bar = panel(admin).get_by_role("list", name="Working time")
            await expect(bar).to_contain_text(f"Working 09:00{DASH}18:00")
            await panel(admin).get_by_role("button", name="Edit weekly hours").click()
            hours = form(admin, "Weekly hours")
            await hours.get_by_role("checkbox", name="Set weekly hours").check()
            await hours.get_by_label(f"Working hours {day} 1 from").fill("17:00")
            await hours.get_by_label(f"Working hours {day} 1 until").fill("22:00")
            await reason(hours).fill("Evening clients")
            await hours.get_by_role("button", name="Save weekly hours").click()
            await expect(hours.get_by_role("alert")).to_have_text(
                "workingHours: outside the salon's opening hours (an admin may allow it with"
                " allowOutsideOpeningHours) (field: workingHours)"
            )

            await hours.get_by_role("checkbox", name="Allow outside opening hours").check()
            await hours.get_by_role("button", name="Save weekly hours").click()
            await expect(panel(admin)).to_contain_text(
                "These hours may lie outside the opening hours (an admin allowed it)."
            )
            await expect(bar).to_contain_text(f"Working 17:00{DASH}22:00")
            toggle = panel(admin).get_by_role("button", name="Edit weekly hours")
            await expect(toggle).to_be_focused()  # the form closed, the focus where it opened
            await expect(toggle).to_have_attribute("aria-expanded", "false")
            found = await stylist_schedule(api, party.stylist.id, bearer)

    assert found["allowOutsideOpeningHours"] is True
    assert found["workingHours"] == [
        {"weekday": weekday, "intervals": LATE if weekday == today else OPEN}
        for weekday in WEEKDAYS
    ]
    assert [
        (change["kind"], change["reason"])
        for change in await changes(api, party.stylist.id, bearer)
        if change["stylistId"] == str(party.stylist.id)
    ] == [("WORKING_HOURS_SET", "Evening clients")]
