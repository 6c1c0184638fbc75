"""The forms working time takes on the way in and out: "HH:MM" clocks, weekly hours as stored
(jsonb) and audited, a service's buffer, and who hears of a schedule change."""

from __future__ import annotations

import uuid
from datetime import time

import pytest

from salonbook.domain.errors import ValidationFailed
from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.domain.schedules import (
    LocalInterval,
    Weekday,
    WeeklyHours,
    check_buffer_minutes,
    parse_clock,
    sees_schedule_change,
    weekly_hours_from_json,
    weekly_hours_to_json,
)


@pytest.mark.parametrize(
    ("text", "expected"), [("00:00", time(0)), ("09:05", time(9, 5)), ("23:59", time(23, 59))]
)
def test_a_clock_is_hh_mm(text: str, expected: time) -> None:
    assert parse_clock(text, field="openingHours") == expected


@pytest.mark.parametrize("text", ["24:00", "9:00", "09:60", "09:00:00", " 09:00", "0900", ""])
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_clock(text, field="workingHours")
    assert refused.value.field == "workingHours"


def test_weekly_hours_are_stored_by_weekday_name_in_order_empty_days_left_out() -> None:
    hours = WeeklyHours(
        days={
            Weekday.FRIDAY: (LocalInterval(time(22), time(2)),),
            Weekday.MONDAY: (LocalInterval(time(14), time(18)), LocalInterval(time(9), time(12))),
            Weekday.SUNDAY: (),
        }
    )
    stored = weekly_hours_to_json(hours)
    assert stored == {
        "MONDAY": [["09:00", "12:00"], ["14:00", "18:00"]],
        "FRIDAY": [["22:00", "02:00"]],
    }
    assert list(stored) == ["MONDAY", "FRIDAY"]
    assert weekly_hours_to_json(weekly_hours_from_json(stored)) == stored


@pytest.mark.parametrize(("minutes", "valid"), [(0, True), (240, True), (-1, False), (241, False)])
def test_a_buffer_is_0_to_240_minutes(minutes: int, valid: bool) -> None:
    if valid:
        assert check_buffer_minutes(minutes) == minutes
    else:
        with pytest.raises(ValidationFailed, match="bufferMinutes must be 0 to 240"):
            check_buffer_minutes(minutes)


def test_who_hears_of_a_schedule_change() -> None:
    stylist, other = uuid.uuid4(), uuid.uuid4()
    viewers = {role: Actor(uuid.uuid4(), role) for role in Role}
    viewers[Role.STYLIST] = Actor(stylist, Role.STYLIST)
    heard = {
        (role, concerned): sees_schedule_change(viewer, stylist_id=concerned)
        for role, viewer in viewers.items()
        for concerned in (stylist, other, None)
    }
    assert {key for key, yes in heard.items() if not yes} == {(Role.STYLIST, other)}
