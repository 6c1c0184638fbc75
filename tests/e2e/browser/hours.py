"""Driving the dashboard's Working hours panel by its accessible names, and arranging and
reading schedules through the API (docs/schedules.md) as any client would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from playwright.async_api import Locator, Page, expect

from tests.e2e.browser.dashboard import anchor, choose_stylist, sign_in
from tests.support.api import Api

SALON = """query { salonSchedule {
  timeZone slotMinutes openingHours { weekday intervals { start end } } } }"""
CLOSURES = """query($from: DateTime!, $to: DateTime!) {
  salonSchedule { closures(from: $from, to: $to) { id start end reason } } }"""
STYLIST = """query($id: ID!, $from: DateTime!, $to: DateTime!) { stylistSchedule(stylistId: $id) {
  version workingHours { weekday intervals { start end } } allowOutsideOpeningHours
  timeOff(from: $from, to: $to) { id start end reason } } }"""
CHANGES = """query($id: ID) { scheduleChanges(stylistId: $id, limit: 5) {
  kind stylistId actorRole reason } }"""
SET_SALON = """mutation($input: SetSalonScheduleInput!) {
  setSalonSchedule(input: $input) { __typename ... on Error { code message } } }"""
REMOVE_CLOSURE = """mutation($input: RemoveClosureInput!) {
  removeClosure(input: $input) { __typename ... on Error { code message } } }"""
DASH = "\N{EN DASH}"
HALF_YEAR = timedelta(days=180)
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def around() -> dict[str, str]:
    """Half a year either side of today: the widest range the schedule queries take."""
    now = anchor()
    return {"from": (now - HALF_YEAR).isoformat(), "to": (now + HALF_YEAR).isoformat()}


async def admin_on(page: Page, live: str, bearer: str, stylist_name: str) -> None:
    """An admin's page on one stylist (the Stylist filter), once the panel shows them."""
    await sign_in(page, live, bearer)
    await choose_stylist(page, stylist_name)
    await expect(panel(page)).to_contain_text(f"Working hours · {stylist_name}")


def panel(page: Page) -> Locator:
    return page.get_by_role("region", name="Working hours")


def weekly(page: Page) -> Locator:
    return panel(page).get_by_role("table", name="Weekly hours")


def works_on(page: Page, weekday: str) -> Locator:
    """The stylist's hours cell of a weekday row ("Monday")."""
    return weekly(page).get_by_role("row", name=weekday).get_by_role("cell").first


def form(page: Page, name: str) -> Locator:
    return panel(page).get_by_role("form", name=name)


def reason(scope: Locator) -> Locator:
    return scope.get_by_role("textbox", name="Reason", exact=True)


def local(moment: datetime) -> str:
    """A datetime-local field's value."""
    return moment.strftime("%Y-%m-%dT%H:%M")


async def stylist_schedule(api: Api, stylist_id: object, bearer: str) -> dict[str, Any]:
    body = await api.gql(STYLIST, {"id": str(stylist_id), **around()}, token=bearer)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["stylistSchedule"]
    return found


async def changes(api: Api, stylist_id: object | None, bearer: str) -> list[dict[str, Any]]:
    variables = {"id": None if stylist_id is None else str(stylist_id)}
    body = await api.gql(CHANGES, variables, token=bearer)
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["scheduleChanges"]
    return found


async def closures(api: Api, bearer: str) -> list[dict[str, Any]]:
    body = await api.gql(CLOSURES, around(), token=bearer)
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["salonSchedule"]["closures"]
    return found


@asynccontextmanager
async def salon_restored(api: Api, bearer: str) -> AsyncIterator[None]:
    """The salon's settings and closures as they were before (the session's tests share the
    one salon): the closures made meanwhile removed, the zone, grid and opening hours set back."""
    before = (await api.gql(SALON, token=bearer))["data"]["salonSchedule"]
    kept = {closure["id"] for closure in await closures(api, bearer)}
    try:
        yield
    finally:
        for closure in await closures(api, bearer):
            if closure["id"] in kept:
                continue
            removed = await api.gql(
                REMOVE_CLOSURE,
                {"input": {"closureId": closure["id"], "reason": "test teardown"}},
                token=bearer,
            )
            assert removed["data"]["removeClosure"]["__typename"] == "RemoveClosureSuccess"
        restored = await api.gql(
            SET_SALON,
            {
                "input": {
                    "timeZone": before["timeZone"],
                    "slotMinutes": before["slotMinutes"],
                    "openingHours": before["openingHours"],
                    "reason": "test teardown",
                }
            },
            token=bearer,
        )
        assert restored["data"]["setSalonSchedule"]["__typename"] == "SetSalonScheduleSuccess"
