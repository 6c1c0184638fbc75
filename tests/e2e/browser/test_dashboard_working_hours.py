"""The Working hours panel: an admin sets a stylist's weekly hours and the stylist's own tab
shows them without reloading, non-working time marked; a stylist adds and removes their own
time off (the removal with the keyboard alone), which the admin's tab follows; the salon's
zone, grid, opening hours and closures, edited by the admin, followed by a phone's tab at 390
by 844 without scrolling sideways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import anchor, row, sign_in, token
from tests.e2e.browser.hours import (
    DASH,
    WEEKDAYS,
    admin_on,
    changes,
    closures,
    form,
    local,
    panel,
    reason,
    salon_restored,
    stylist_schedule,
    works_on,
)
from tests.support.api import Api

PHONE_WIDTH = 390
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 844}, "is_mobile": True, "has_touch": True}
BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = [{"start": "09:00", "end": "17:00"}]
MONDAY = [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]


def open_today(closed_at: datetime) -> str:
    """The admin's bar for today in words (UTC): open 09:00-18:00 in Berlin but on Sundays,
    closed for three hours from `closed_at` (Berlin's wall clock)."""
    day = closed_at.date()

    def utc(hour: int) -> str:
        wall = datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)
        return wall.astimezone(UTC).strftime("%H:%M")

    away = f"away {utc(closed_at.hour)}{DASH}{utc(closed_at.hour + 3)}"
    label = f"{closed_at.strftime('%a')} {day.day} {closed_at.strftime('%b')}"
    if day.isoweekday() == 7:
        return f"{label}Closed; {away}"
    hours = f"{utc(9)}{DASH}{utc(closed_at.hour)}, {utc(closed_at.hour + 3)}{DASH}{utc(18)}"
    return f"{label}Open {hours}; {away}"


def today_in_words(weekday: str) -> str:
    """The timeline's words for today once the hours of the first test are set."""
    if weekday == "SUNDAY":
        return "Not working"
    return (
        f"Working 09:00{DASH}12:00, 13:00{DASH}17:00"
        if weekday == "MONDAY"
        else f"Working 09:00{DASH}17:00"
    )


async def test_the_admin_sets_weekly_hours_and_the_stylists_tab_shows_them_without_reload(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    weekday = WEEKDAYS[anchor().weekday()]
    evening = await salon.booking(minutes=330)  # 17:30, after work every day
    async with offline_browser(live, browser=chromium) as browser:
        stylist = await (await browser.another_context()).new_page()
        await sign_in(stylist, live, token(settings, party.stylist))
        await expect(panel(stylist)).to_contain_text(
            "Times of day are in UTC, the salon's time zone."
        )
        await expect(panel(stylist)).to_contain_text(
            "Weekly hours not set, and the salon has no opening hours: works at any time."
        )
        await expect(works_on(stylist, "Monday")).to_have_text("Not set")
        today = panel(stylist).get_by_role("list", name="Working time").get_by_role("listitem")
        await expect(today).to_contain_text(f"Working 00:00{DASH}24:00")
        await expect(row(stylist, evening.id)).not_to_contain_text("Outside working hours")
        loads: list[str] = []
        stylist.on("framenavigated", lambda frame: loads.append(frame.url))

        admin = await browser.context.new_page()
        await admin_on(admin, live, bearer, party.stylist.display_name)
        await panel(admin).get_by_role("button", name="Edit weekly hours").click()
        hours = form(admin, "Weekly hours")
        await hours.get_by_role("checkbox", name="Set weekly hours").check()
        await hours.get_by_role("button", name="Remove Working hours Sunday 1").click()
        await hours.get_by_role("button", name="Add Working hours Monday").click()
        await hours.get_by_label("Working hours Monday 1 until").fill("12:00")
        await hours.get_by_label("Working hours Monday 2 from").fill("13:00")
        await hours.get_by_label("Working hours Monday 2 until").fill("17:00")
        await reason(hours).fill("New contract from December")
        await hours.get_by_role("button", name="Save weekly hours").click()

        await expect(works_on(admin, "Monday")).to_have_text(f"09:00{DASH}12:00, 13:00{DASH}17:00")
        await expect(works_on(stylist, "Monday")).to_have_text(
            f"09:00{DASH}12:00, 13:00{DASH}17:00"
        )
        await expect(works_on(stylist, "Tuesday")).to_have_text(f"09:00{DASH}17:00")
        await expect(works_on(stylist, "Sunday")).to_have_text("Off")
        await expect(today).to_contain_text(today_in_words(weekday))
        await expect(row(stylist, evening.id)).to_contain_text("Outside working hours")
        await expect(row(admin, evening.id)).to_contain_text("Outside working hours")

    assert loads == []
    found = await stylist_schedule(api, party.stylist.id, bearer)
    assert found["allowOutsideOpeningHours"] is False
    assert found["workingHours"] == [
        {"weekday": day, "intervals": MONDAY if day == "MONDAY" else NINE_TO_FIVE}
        for day in WEEKDAYS[:6]
    ] + [{"weekday": "SUNDAY", "intervals": []}]
    assert (await changes(api, party.stylist.id, bearer))[0] == {
        "kind": "WORKING_HOURS_SET",
        "stylistId": str(party.stylist.id),
        "actorRole": "ADMIN",
        "reason": "New contract from December",
    }


async def test_a_stylist_adds_and_removes_their_own_time_off_and_the_admin_sees_it(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    now = anchor()
    async with offline_browser(live, browser=chromium) as browser:
        stylist = await browser.context.new_page()
        await sign_in(stylist, live, token(settings, party.stylist))
        await expect(panel(stylist).get_by_role("button", name="Edit weekly hours")).to_have_count(
            0
        )
        admin = await (await browser.another_context()).new_page()
        await admin_on(admin, live, bearer, party.stylist.display_name)
        await expect(panel(admin)).to_contain_text("No time off.")

        away = form(stylist, "Add time off")
        await away.get_by_label("Away from").fill(local(now + timedelta(hours=2)))
        await away.get_by_label("Back at").fill(local(now + timedelta(hours=4)))
        await reason(away).fill("Dentist")
        await away.get_by_role("button", name="Add time off").click()

        for page in (stylist, admin):
            listed = panel(page).get_by_role("list", name="Time off").get_by_role("listitem")
            await expect(listed).to_have_count(1)
            await expect(listed).to_contain_text("14:00")
            await expect(listed).to_contain_text("Dentist")
            days = panel(page).get_by_role("list", name="Working time")
            await expect(days).to_contain_text(
                f"Working 00:00{DASH}14:00, 16:00{DASH}24:00; away 14:00{DASH}16:00"
            )
        await expect(reason(away)).to_have_value("")

        # with the keyboard: Escape leaves it (the focus back on Remove), Enter sends
        remove = panel(stylist).get_by_role("list", name="Time off").get_by_role("button")
        prompt = stylist.get_by_role("dialog", name="Remove time off?")
        said = prompt.get_by_role("textbox", name="Reason")
        await remove.focus()
        await stylist.keyboard.press("Enter")
        await expect(said).to_be_focused()
        await stylist.keyboard.press("Escape")
        await expect(prompt).to_have_count(0)
        await expect(remove).to_be_focused()
        await stylist.keyboard.press("Enter")
        await expect(said).to_be_focused()
        await stylist.keyboard.type("Moved the appointment")
        await stylist.keyboard.press("Enter")
        await expect(prompt).to_have_count(0)
        for page in (stylist, admin):
            await expect(
                panel(page).get_by_role("list", name="Time off").get_by_role("listitem")
            ).to_have_count(0)

    assert (await stylist_schedule(api, party.stylist.id, bearer))["timeOff"] == []
    assert [
        (change["kind"], change["actorRole"], change["reason"])
        for change in await changes(api, party.stylist.id, bearer)
        if change["stylistId"] == str(party.stylist.id)
    ] == [
        ("TIME_OFF_REMOVED", "STYLIST", "Moved the appointment"),
        ("TIME_OFF_ADDED", "STYLIST", "Dentist"),
    ]


async def test_the_admin_edits_the_salon_and_a_phone_follows_without_scrolling_sideways(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    party = salon.party
    bearer = token(settings, party.admin)
    now = anchor()
    async with salon_restored(api, bearer), offline_browser(live, browser=chromium) as browser:
        phone = await (await browser.another_context(**PHONE)).new_page()
        await sign_in(phone, live, token(settings, party.stylist))
        await expect(panel(phone)).to_contain_text(
            "Opening hours not set: the salon is always open."
        )

        admin = await browser.context.new_page()
        await sign_in(admin, live, bearer)
        await expect(panel(admin)).to_contain_text(
            "Pick a stylist with the Stylist filter to see their working hours."
        )
        await panel(admin).get_by_role("button", name="Edit salon schedule").click()
        settings_form = form(admin, "Salon schedule")
        await settings_form.get_by_label("Time zone").fill("Europe/Berlin")
        await settings_form.get_by_label("Slot grid (minutes)").select_option("30")
        await settings_form.get_by_role("checkbox", name="Set opening hours").check()
        await settings_form.get_by_role("button", name="Remove Opening hours Sunday 1").click()
        await reason(settings_form).fill("We open in Berlin")
        await settings_form.get_by_role("button", name="Save salon schedule").click()

        for page in (admin, phone):
            await expect(panel(page)).to_contain_text("Times of day are in Europe/Berlin")
            await expect(panel(page)).to_contain_text("Bookings start on a 30-minute grid.")
        sunday = panel(phone).get_by_role("row", name="Sunday")
        await expect(sunday).to_contain_text("Off")
        await expect(panel(phone).get_by_role("row", name="Monday")).to_contain_text(
            f"09:00{DASH}18:00"
        )

        closure = form(admin, "Add closure")
        start = (now + timedelta(hours=2)).replace(tzinfo=None)  # 14:00 in Berlin, today
        await closure.get_by_label("Closed from").fill(local(start))
        await closure.get_by_label("Open again at").fill(local(start + timedelta(hours=3)))
        await reason(closure).fill("Water damage")
        await closure.get_by_role("button", name="Add closure").click()
        for page in (admin, phone):
            await expect(panel(page).get_by_role("list", name="Closures")).to_contain_text(
                f"14:00 {DASH} "
            )
        await expect(panel(admin).get_by_role("list", name="Closures")).to_contain_text(
            "Water damage"
        )
        made = [c for c in await closures(api, bearer) if c["reason"] == "Water damage"]
        assert [datetime.fromisoformat(c["start"]) for c in made] == [
            start.replace(tzinfo=BERLIN).astimezone(UTC)
        ]
        opening = panel(admin).get_by_role("list", name="Opening time")
        await expect(opening).to_have_text(open_today(start))  # the bars in UTC, this device's
        assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
        box = await panel(phone).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH

        await panel(admin).get_by_role("list", name="Closures").get_by_role("button").click()
        prompt = admin.get_by_role("dialog", name="Remove closure?")
        await prompt.get_by_role("textbox", name="Reason").fill("Dried out early")
        await prompt.get_by_role("button", name="Remove closure").click()
        for page in (admin, phone):
            await expect(panel(page)).to_contain_text("No closures.")
        audit = await changes(api, None, bearer)

    assert audit[:3] == [
        {
            "kind": "CLOSURE_REMOVED",
            "stylistId": None,
            "actorRole": "ADMIN",
            "reason": "Dried out early",
        },
        {
            "kind": "CLOSURE_ADDED",
            "stylistId": None,
            "actorRole": "ADMIN",
            "reason": "Water damage",
        },
        {
            "kind": "SALON_SETTINGS_SET",
            "stylistId": None,
            "actorRole": "ADMIN",
            "reason": "We open in Berlin",
        },
    ]
