"""Refunds follow the settings (docs/rules.md#refunds): the free-cancellation window and the
percentage a late customer cancellation refunds; the other refund rules do not depend on them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from uuid import UUID

import pytest
from pydantic import ValidationError
from starlette.applications import Starlette

from salonbook.config import Settings
from salonbook.domain.model import Actor, Windows
from salonbook.domain.statuses import BookingAction, BookingStatus
from salonbook.use_cases.deps import Caller, Deps
from salonbook.use_cases.transition_booking import transition_booking
from tests.support.api import Api
from tests.support.factory import Factory
from tests.support.sweeps import stored

H = timedelta(hours=1)
CANCELLATION = """
query($id: ID!) { booking(id: $id) { cancellation { reason actorRole refundPolicy refundCents } } }
"""


@dataclasses.dataclass(frozen=True)
class Case:
    free: timedelta
    percent: int
    starts_in: timedelta
    policy: str
    cents: int
    price: int = 4500

    def id(self) -> str:
        return f"{self.free / H:g}h window, {self.percent}%, starts in {self.starts_in}"


# a customer cancels a CONFIRMED booking of `price` cents `starts_in` before its start
CUSTOMER_CASES = [
    Case(24 * H, 50, 23 * H, "LATE_CANCELLATION", 2250),
    Case(24 * H, 50, 24 * H, "FULL_REFUND", 4500),
    Case(48 * H, 30, 30 * H, "LATE_CANCELLATION", 1350),
    Case(48 * H, 30, 48 * H - timedelta(minutes=1), "LATE_CANCELLATION", 1350),
    Case(48 * H, 30, 48 * H, "FULL_REFUND", 4500),
    Case(2 * H, 0, 1 * H, "LATE_CANCELLATION", 0),
    Case(2 * H, 0, 3 * H, "FULL_REFUND", 4500),
    Case(24 * H, 100, 1 * H, "LATE_CANCELLATION", 4500),
    # a fraction of a cent is not refunded: 33 % of 999 is 329.67
    Case(24 * H, 33, 1 * H, "LATE_CANCELLATION", 329, price=999),
]


def deps_with(app: Starlette, *, free: timedelta, percent: int) -> Deps:
    deps: Deps = app.state.runtime.deps
    windows = Windows(free_cancellation=free, late_cancellation_refund_percent=percent)
    return dataclasses.replace(deps, windows=windows)


async def cancel_as(deps: Deps, actor: Actor, booking_id: UUID) -> None:
    caller = Caller(actor=actor, ip_address="192.0.2.10", user_agent="refund-settings-tests")
    await transition_booking(
        deps,
        caller,
        booking_id=booking_id,
        action=BookingAction.CANCEL,
        reason="plans changed",
        expected_version=None,
        idempotency_key=None,
    )


@pytest.mark.parametrize("case", CUSTOMER_CASES, ids=Case.id)
async def test_a_customers_cancellation_refunds_as_the_settings_say(
    app: Starlette, api: Api, factory: Factory, case: Case
) -> None:
    party = await factory.party()
    service = await factory.service(price_cents=case.price)
    booking = await factory.booking(
        party, status=BookingStatus.CONFIRMED, starts_in=case.starts_in, service=service
    )
    deps = deps_with(app, free=case.free, percent=case.percent)

    await cancel_as(deps, Actor(party.customer.id, party.customer.role), booking.id)

    after = await stored(factory.engine, booking.id)
    assert (after["status"], after["refund_policy"], after["refund_cents"]) == (
        "CANCELLED",
        case.policy,
        case.cents,
    )
    seen = await api.gql(CANCELLATION, {"id": str(booking.id)}, token=factory.token(party.customer))
    assert seen["data"]["booking"]["cancellation"] == {
        "reason": "plans changed",
        "actorRole": "CUSTOMER",
        "refundPolicy": case.policy,
        "refundCents": case.cents,
    }


@pytest.mark.parametrize(
    ("status", "who", "policy", "cents"),
    [
        (BookingStatus.CONFIRMED, "stylist", "FULL_REFUND", 4500),
        (BookingStatus.CONFIRMED, "admin", "FULL_REFUND", 4500),
        (BookingStatus.PENDING, "customer", "NOT_CHARGED", 0),
        (BookingStatus.PENDING, "stylist", "NOT_CHARGED", 0),
    ],
)
async def test_the_late_cancellation_setting_applies_only_to_a_paid_customers_cancellation(
    app: Starlette, factory: Factory, status: BookingStatus, who: str, policy: str, cents: int
) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=status, starts_in=H)
    person = getattr(party, who)
    deps = deps_with(app, free=48 * H, percent=30)

    await cancel_as(deps, Actor(person.id, person.role), booking.id)

    after = await stored(factory.engine, booking.id)
    assert (after["status"], after["refund_policy"], after["refund_cents"]) == (
        "CANCELLED",
        policy,
        cents,
    )


def test_the_refund_settings_come_from_the_environment_names() -> None:
    settings = Settings(  # type: ignore[call-arg]
        SALONBOOK_FREE_CANCELLATION_HOURS=48, SALONBOOK_LATE_CANCELLATION_REFUND_PERCENT=30
    )
    windows = settings.windows
    assert (windows.free_cancellation, windows.late_cancellation_refund_percent) == (48 * H, 30)


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_refund_percentage_outside_0_to_100_is_refused(percent: int) -> None:
    with pytest.raises(ValidationError, match="SALONBOOK_LATE_CANCELLATION_REFUND_PERCENT"):
        Settings(SALONBOOK_LATE_CANCELLATION_REFUND_PERCENT=percent)  # type: ignore[call-arg]
