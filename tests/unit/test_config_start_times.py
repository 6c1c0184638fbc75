"""The booking horizon and the start grid settings: read from the environment, validated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from salonbook.config import Settings


def test_the_defaults_are_a_year_ahead_on_a_five_minute_grid() -> None:
    windows = Settings().windows
    assert (windows.booking_horizon, windows.start_grid_minutes) == (timedelta(days=365), 5)


@pytest.mark.parametrize(("grid", "kept"), [("0", 0), ("15", 15), ("60", 60)])
def test_a_grid_that_divides_an_hour_or_none_is_taken(
    monkeypatch: pytest.MonkeyPatch, grid: str, kept: int
) -> None:
    monkeypatch.setenv("SALONBOOK_START_GRID_MINUTES", grid)
    monkeypatch.setenv("SALONBOOK_BOOKING_HORIZON_DAYS", "30")
    windows = Settings().windows
    assert (windows.start_grid_minutes, windows.booking_horizon) == (kept, timedelta(days=30))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SALONBOOK_START_GRID_MINUTES", "7"),
        ("SALONBOOK_START_GRID_MINUTES", "-5"),
        ("SALONBOOK_START_GRID_MINUTES", "120"),
        ("SALONBOOK_BOOKING_HORIZON_DAYS", "0"),
        ("SALONBOOK_BOOKING_HORIZON_DAYS", "100000"),
    ],
)
def test_a_grid_or_horizon_that_makes_no_sense_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert name in str(refused.value)
