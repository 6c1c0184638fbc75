"""Signing in and out: a refused token stays on the sign-in screen with the API's message; the
token is kept in sessionStorage only (not in a URL, a cookie, localStorage or the console);
Sign out; a token that expires signs the page out with the contract's alert."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Browser, Error, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import (
    SESSION_ENDED,
    connection,
    sign_in,
    sign_in_heading,
    submit_token,
    token,
)
from tests.support.api import Api

EXPIRES_IN = timedelta(seconds=6)
"""Long enough to sign in on a busy machine; the expiry is the server's and the page's own."""


async def test_a_refused_token_keeps_the_sign_in_screen_with_the_apis_message(
    chromium: Browser, live: str, api: Api
) -> None:
    refused = (await api.post("{ me { id } }", token="not.a.token")).json()["errors"][0]
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        await submit_token(page, live, "not.a.token")
        await expect(page.get_by_role("alert")).to_contain_text(refused["message"])
        await expect(sign_in_heading(page)).to_be_visible()
        await expect(page.get_by_label("Bearer token")).to_be_visible()
        await expect(page).to_have_title("salonbook dashboard")


async def test_the_token_stays_in_session_storage_and_sign_out_forgets_it(
    chromium: Browser, live: str, salon: Salon, settings: Settings
) -> None:
    person = salon.party.stylist
    bearer = token(settings, person)
    logged: list[str] = []
    urls: list[str] = []
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        page.on("console", lambda message: logged.append(message.text))
        page.on("request", lambda request: urls.append(request.url))
        await sign_in(page, live, bearer)
        banner = page.get_by_role("banner")
        await expect(banner).to_contain_text(person.display_name)
        await expect(banner).to_contain_text("stylist", ignore_case=True)
        session = await page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
        local = await page.evaluate("JSON.stringify(Object.entries(localStorage))")
        cookies = await browser.context.cookies()
        address = page.url

        await page.get_by_role("button", name="Sign out").click()
        await expect(sign_in_heading(page)).to_be_visible()
        after = await page.evaluate("JSON.stringify(Object.entries(sessionStorage))")

    assert bearer in session
    assert bearer not in local
    assert cookies == []
    assert all(bearer not in url for url in [*urls, address])
    assert all(bearer not in text for text in logged)
    assert bearer not in after


async def test_an_expiring_token_signs_the_page_out_cleanly(
    chromium: Browser, live: str, salon: Salon, settings: Settings
) -> None:
    bearer = token(settings, salon.party.stylist, ttl=EXPIRES_IN)
    errors: list[Error] = []
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        page.on("pageerror", lambda error: errors.append(error))
        await sign_in(page, live, bearer)
        await expect(connection(page)).to_have_text("Live")
        await expect(sign_in_heading(page)).to_be_visible(timeout=20_000)
        await expect(page.get_by_role("alert")).to_have_text(SESSION_ENDED)
        await expect(connection(page)).to_have_count(0)
        await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        remaining = await page.evaluate("JSON.stringify(Object.entries(sessionStorage))")

    assert errors == []  # no uncaught exception on the way out
    assert bearer not in remaining
