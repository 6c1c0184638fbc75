"""The domain's input bounds and start rules, value by value (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from salonbook.domain import bounds
from salonbook.domain.errors import ValidationFailed
from salonbook.domain.model import Windows
from salonbook.domain.start_times import EARLIEST, LATEST, as_utc, check_start

# (rule, given, kept: the value it keeps, or the field named by its refusal)
Rule = Callable[[Any], Any]
ACCEPTED: list[tuple[Rule, Any, Any]] = [
    (bounds.reason, None, None),
    (bounds.reason, "  \t ", None),
    (bounds.reason, "  late\nagain  ", "late\nagain"),
    (bounds.reason, " " + "r" * 500 + " ", "r" * 500),
    (bounds.note_body, "\n" + "n" * 2000 + "\n", "n" * 2000),
    (bounds.display_name, "  Ada Lovelace ", "Ada Lovelace"),
    (bounds.service_name, "s" * 200, "s" * 200),
    (bounds.email, "a" * 240 + "@salon.example", "a" * 240 + "@salon.example"),
    (bounds.email, None, None),
    (bounds.phone, "+44 (20) 7946-0000", "+44 (20) 7946-0000"),
    (bounds.phone, "1" * 32, "1" * 32),
    (bounds.currency, "JPY", "JPY"),
    (bounds.duration_minutes, 5, 5),
    (bounds.price_cents, bounds.PRICE_CENTS_MAX, bounds.PRICE_CENTS_MAX),
    (bounds.idempotency_key, "k" * 128, "k" * 128),
    (bounds.idempotency_key, "retry 1", "retry 1"),
]
REFUSED: list[tuple[Rule, Any, str]] = [
    (bounds.reason, "r" * 501, "reason"),
    (bounds.reason, "nul \x00 byte", "reason"),
    (bounds.reason, "bell \x07", "reason"),
    (bounds.note_body, " ", "body"),
    (bounds.note_body, "n" * 2001, "body"),
    (bounds.display_name, "d" * 201, "displayName"),
    (bounds.display_name, "two\nlines", "displayName"),
    (bounds.service_name, "", "name"),
    (bounds.email, "a" * 241 + "@salon.example", "email"),
    (bounds.email, "ada@example.com\n", "email"),
    (bounds.email, "no-at-sign", "email"),
    (bounds.phone, "1234", "phone"),
    (bounds.phone, "1" * 33, "phone"),
    (bounds.phone, "12345\n", "phone"),
    (bounds.phone, "call me", "phone"),
    (bounds.currency, "EUR\n", "currency"),
    (bounds.currency, "eur", "currency"),
    (bounds.duration_minutes, 721, "durationMinutes"),
    (bounds.price_cents, -1, "priceCents"),
    (bounds.price_cents, bounds.PRICE_CENTS_MAX + 1, "priceCents"),
    (bounds.idempotency_key, "", "idempotencyKey"),
    (bounds.idempotency_key, "k" * 129, "idempotencyKey"),
    (bounds.idempotency_key, "tab\there", "idempotencyKey"),
]


@pytest.mark.parametrize(("rule", "given", "kept"), ACCEPTED)
def test_a_value_within_bounds_is_kept(rule: Rule, given: Any, kept: Any) -> None:
    assert rule(given) == kept


@pytest.mark.parametrize(("rule", "given", "field"), REFUSED)
def test_a_value_out_of_bounds_is_refused_naming_its_field(
    rule: Rule, given: Any, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rule(given)
    assert refused.value.field == field
    assert refused.value.message.startswith(field)


def test_what_the_server_records_of_headers_and_claims_is_cut_not_refused() -> None:
    assert bounds.user_agent("u" * 600 + "\x00") == "u" * bounds.USER_AGENT_MAX
    assert bounds.user_agent("\x01") is None
    assert (
        bounds.name_from_claim(" Ada\n\tLovelace " + "x" * 300)
        == ("Ada Lovelace " + "x" * 300)[:200]
    )
    assert bounds.name_from_claim(None) == ""
    assert bounds.email_from_claim("ada@example.com") == "ada@example.com"
    assert bounds.email_from_claim("a" * 300 + "@example.com") is None


NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)
WINDOWS = Windows(booking_horizon=timedelta(days=30), start_grid_minutes=15)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (NOW.replace(tzinfo=None) + timedelta(days=1), "needs a time zone offset"),
        (NOW, "must be in the future"),
        (NOW + timedelta(days=30, minutes=15), "must be at most 30 days ahead"),
        (NOW + timedelta(days=1, minutes=5), "must be on a 15-minute grid"),
        (datetime.max.replace(tzinfo=timezone(-timedelta(hours=14))), "at most 30 days ahead"),
        (datetime.min.replace(tzinfo=timezone(timedelta(hours=14))), "must be in the future"),
    ],
)
def test_a_start_outside_the_window_or_off_the_grid_is_refused(
    start: datetime, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_start(start, now=NOW, windows=WINDOWS)
    assert refused.value.field == "startTime"
    assert message in refused.value.message


def test_a_start_in_the_window_is_kept_in_utc() -> None:
    local = (NOW + timedelta(days=30)).astimezone(timezone(timedelta(hours=5, minutes=45)))
    assert check_start(local, now=NOW, windows=WINDOWS) == NOW + timedelta(days=30)
    odd = NOW + timedelta(days=1, minutes=7, microseconds=1)
    assert check_start(odd, now=NOW, windows=Windows(start_grid_minutes=0)) == odd


@pytest.mark.parametrize(
    ("given", "bound"),
    [
        (datetime.min.replace(tzinfo=timezone(timedelta(hours=14))), EARLIEST),
        (datetime.max.replace(tzinfo=timezone(-timedelta(hours=14))), LATEST),
        (datetime(2031, 3, 10, 12), NOW),
        (NOW.astimezone(timezone(timedelta(hours=-3))), NOW),
    ],
)
def test_a_as_utc_is_always_a_utc_instant(given: datetime, bound: datetime) -> None:
    kept = as_utc(given)
    assert kept == bound and kept.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "windows",
    [{"start_grid_minutes": 7}, {"start_grid_minutes": -5}, {"booking_horizon": timedelta(0)}],
)
def test_windows_refuse_a_grid_that_does_not_divide_an_hour_or_no_horizon(
    windows: dict[str, Any],
) -> None:
    with pytest.raises(ValueError):
        Windows(**windows)
