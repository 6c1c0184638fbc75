"""A note added in Markdown shows the server's sanitised HTML: the formatting kept, and a
<script> or an onerror in the body neither runs nor survives as markup (the text is shown as
the server rendered it)."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from salonbook.config import Settings
from tests.e2e.browser.chromium import offline_browser
from tests.e2e.browser.conftest import Salon
from tests.e2e.browser.dashboard import details, graphql_operation, open_booking, sign_in, token
from tests.support.api import Api

BODY = """**Keep it short** at the back, *no* fringe

- wash
- dry

<script>window.pwned = "script"; console.log("pwned")</script>
<img src="/missing.png" onerror="window.pwned = 'onerror'; console.log('pwned')">"""
NOTES = "query($id: ID!) { booking(id: $id) { notes { body bodyHtml } } }"
SAME_HTML = """([shown, rendered]) => {
  const parsed = document.createElement("template");
  parsed.innerHTML = rendered;
  return shown.some((html) => html.trim() === parsed.innerHTML.trim());
}"""


async def test_a_markdown_note_renders_the_servers_sanitised_html_and_runs_nothing(
    chromium: Browser, live: str, salon: Salon, settings: Settings, api: Api
) -> None:
    booking = await salon.booking()
    bearer = token(settings, salon.party.stylist)
    dialogs: list[str] = []
    logged: list[str] = []
    async with offline_browser(live, browser=chromium) as browser:
        page = await browser.context.new_page()
        page.on("dialog", lambda d: dialogs.append(d.message))
        page.on("console", lambda message: logged.append(message.text))
        await sign_in(page, live, bearer)
        region = await open_booking(page, booking.id)
        notes = region.get_by_role("list", name="Notes")
        await expect(notes.get_by_role("listitem")).to_have_count(0)

        await region.get_by_role("textbox", name="New note").fill(BODY)
        async with page.expect_response(lambda r: graphql_operation("addStylistNote")(r.request)):
            await region.get_by_role("button", name="Add note").click()
        item = notes.get_by_role("listitem").filter(has_text="Keep it short")
        await expect(item).to_have_count(1)  # the note (its bullets are list items too)
        await expect(item.locator("strong")).to_have_text("Keep it short")
        await expect(item.get_by_role("listitem")).to_have_count(2)  # the bullets

        stored = (await api.gql(NOTES, {"id": str(booking.id)}, token=bearer))["data"]
        (note,) = stored["booking"]["notes"]
        shown = await item.locator("*").evaluate_all("all => all.map((e) => e.innerHTML)")
        shown.append(await item.inner_html())
        rendered_as_served = await page.evaluate(SAME_HTML, [shown, note["bodyHtml"]])
        scripts = await details(page).locator("script, [onerror]").count()
        pwned = await page.evaluate("window.pwned ?? null")

    assert note["body"] == BODY
    assert rendered_as_served  # exactly the server's bodyHtml, nothing of the page's making
    assert scripts == 0
    assert pwned is None
    assert dialogs == []
    assert not [text for text in logged if "pwned" in text]
