"""Fixtures of the browser tests: one chromium for the session, the session server's clock set
to today's noon (the pages' `Today`), and a party with a service to book."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from playwright.async_api import Browser, expect

from salonbook.db.bookings import Booking
from salonbook.db.services import Service
from salonbook.domain.clock import SettableClock
from salonbook.domain.statuses import BookingStatus
from tests.e2e.browser.chromium import launched
from tests.e2e.browser.dashboard import anchor
from tests.support.factory import Factory, Party

expect.set_options(timeout=10_000)  # every wait bounded; generous for two shared cores


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """One chromium for the session's tests; each test has contexts of its own in it."""
    async with launched() as browser:
        yield browser


@pytest.fixture
def noon(clock: SettableClock) -> datetime:
    """The session server's clock at today's noon (UTC), where the salon's bookings go."""
    now = anchor()
    clock.set(now)
    return now


@dataclass(frozen=True)
class Salon:
    party: Party
    service: Service
    factory: Factory

    async def booking(
        self, status: BookingStatus = BookingStatus.CONFIRMED, *, minutes: int = 10
    ) -> Booking:
        """A booking of the party starting `minutes` after the clock's now (today noon)."""
        return await self.factory.booking(
            self.party, status=status, starts_in=timedelta(minutes=minutes), service=self.service
        )


@pytest.fixture
async def salon(factory: Factory, noon: datetime) -> Salon:
    return Salon(
        party=await factory.party(), service=await factory.service(minutes=30), factory=factory
    )
