"""Driving the dashboard at /dashboard by the accessible names of its UI contract
(/work/briefs/dashboard-ui-contract.md): roles and labels, never CSS classes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import Locator, Page, Request, Response, expect

from salonbook.auth.tokens import mint_token
from salonbook.config import Settings
from salonbook.db.people import Person
from tests.support.api import jwt_secret

STATUS_LABELS = {
    "PENDING": "Pending",
    "CONFIRMED": "Confirmed",
    "IN_PROGRESS": "In progress",
    "COMPLETED": "Completed",
    "CANCELLED": "Cancelled",
    "NO_SHOW": "No-show",
}
COLUMNS = ("Time", "Status", "Service", "Customer", "Stylist")
SESSION_ENDED = "Your session has ended. Sign in again."
SIGN_IN_WITHIN = 15_000
"""Milliseconds for a page to load and connect (two cores, shared)."""


def anchor() -> datetime:
    """Noon UTC today: where the tests put the server's clock and the bookings, so they fall
    in the page's `Today` (its browser runs in UTC) whatever the hour the tests run at."""
    return datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def token(settings: Settings, person: Person, *, ttl: timedelta = timedelta(days=2)) -> str:
    """A token for the page: valid for two days by default, so the page's own reading of
    `exp` never ends a session whatever its clock says."""
    return mint_token(secret=jwt_secret(settings), sub=person.id, role=person.role, ttl=ttl)


def connection(page: Page) -> Locator:
    return page.get_by_role("status", name="Connection")


def sign_in_heading(page: Page) -> Locator:
    return page.get_by_role("heading", name="Sign in", level=1)


async def submit_token(page: Page, base: str, bearer: str) -> None:
    await page.goto(f"http://{base}/dashboard")
    await page.get_by_label("Bearer token").fill(bearer)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def sign_in(page: Page, base: str, bearer: str) -> None:
    """Sign in with the token and wait until the page is live."""
    await submit_token(page, base, bearer)
    await expect(connection(page)).to_have_text("Live", timeout=SIGN_IN_WITHIN)


def bookings(page: Page) -> Locator:
    return page.get_by_role("table", name="Bookings")


def row(page: Page, booking_id: object) -> Locator:
    return bookings(page).locator(f'[data-booking-id="{booking_id}"]')


def cell(page: Page, booking_id: object, column: str) -> Locator:
    return row(page, booking_id).get_by_role("cell").nth(COLUMNS.index(column))


def status_cell(page: Page, booking_id: object) -> Locator:
    return cell(page, booking_id, "Status")


async def choose_stylist(page: Page, display_name: str) -> None:
    """An admin narrows the schedule to one stylist."""
    await page.get_by_role("combobox", name="Stylist").select_option(label=display_name)


def details(page: Page) -> Locator:
    return page.get_by_role("region", name="Booking details")


async def open_booking(page: Page, booking_id: object) -> Locator:
    """Click the booking's row; the detail region, once it shows the booking's actions."""
    await row(page, booking_id).click()
    region = details(page)
    await expect(region).to_be_visible()
    await expect(region.get_by_role("list", name="Status history")).to_be_visible()
    return region


def action(page: Page, name: str) -> Locator:
    """An action button of the open booking."""
    return details(page).get_by_role("button", name=name, exact=True)


def dialog(page: Page, name: str) -> Locator:
    return page.get_by_role("dialog", name=f"{name}?")


def history(page: Page) -> Locator:
    return details(page).get_by_role("list", name="Status history").get_by_role("listitem")


def undo(page: Page) -> Locator:
    """The undo offer after START: role=status labelled Undo."""
    return page.get_by_role("status", name="Undo")


def notifications(page: Page) -> Locator:
    return page.get_by_role("region", name="Notifications")


def graphql_operation(containing: str) -> Callable[[Request], bool]:
    """Matches the page's POSTs to /graphql whose document contains `containing`."""

    def matches(request: Request) -> bool:
        if request.method != "POST" or not request.url.endswith("/graphql"):
            return False
        return containing in str(query_of(request))

    return matches


def query_of(request: Request) -> str:
    try:
        body: Any = json.loads(request.post_data or "{}")
    except ValueError:
        return ""
    return str(body.get("query", "")) if isinstance(body, dict) else ""


def is_transition(response: Response) -> bool:
    return graphql_operation("transitionBooking")(response.request)


async def act(page: Page, name: str, *, reason: str | None = None) -> dict[str, Any]:
    """Take an action through its dialog (a reason typed when given); the API's answer to
    the transitionBooking the page sent."""
    await action(page, name).click()
    prompt = dialog(page, name)
    await expect(prompt).to_be_visible()
    if reason is not None:
        await prompt.get_by_label("Reason").fill(reason)
    async with page.expect_response(is_transition) as answer:
        await prompt.get_by_role("button", name=name, exact=True).click()
    body: dict[str, Any] = await (await answer.value).json()
    return body
