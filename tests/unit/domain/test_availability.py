"""Free start times and refusal reasons, case by case with the exact expected lists: daylight
saving changes in Europe/Berlin and America/New_York, an interval across midnight, a zone far
from UTC, the defaults, buffers, time off, closures and bookings."""

from __future__ import annotations

from datetime import timedelta

from salonbook.domain.availability import working_time
from salonbook.domain.errors import Refusal
from salonbook.domain.model import Windows
from salonbook.domain.schedules import Absence, SalonSettings
from tests.unit.domain.availability_cases import local, shown, starts, utc, week

BERLIN = SalonSettings(time_zone="Europe/Berlin", slot_minutes=30)
NEW_YORK = SalonSettings(time_zone="America/New_York", slot_minutes=30)


def test_berlin_spring_change_has_no_slots_in_the_skipped_hour() -> None:
    slots = starts(
        settings=BERLIN,
        start=local("Europe/Berlin", "2026-03-29T00:00"),
        end=local("Europe/Berlin", "2026-03-29T05:00"),
    )
    assert shown(slots) == [
        "2026-03-29T00:00:00+01:00",
        "2026-03-29T00:30:00+01:00",
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T04:00:00+02:00",
        "2026-03-29T04:30:00+02:00",
    ]
    assert [slot.start for slot in slots][4] == utc("2026-03-29T01:00")


def test_berlin_autumn_change_lists_every_instant_of_the_repeated_hour_once() -> None:
    slots = starts(
        settings=BERLIN, start=utc("2026-10-24T23:00"), end=utc("2026-10-25T03:00"), duration=30
    )
    assert [slot.start for slot in slots] == [
        utc("2026-10-24T23:00") + timedelta(minutes=30 * n) for n in range(8)
    ]
    assert shown(slots) == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T01:30:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T03:30:00+01:00",
    ]


def test_working_time_is_elapsed_time_across_both_changes() -> None:
    hours = week(SUNDAY="01:00-04:00")
    settings = SalonSettings(time_zone="Europe/Berlin", slot_minutes=60)
    autumn = starts(
        settings=settings,
        hours=hours,
        start=local("Europe/Berlin", "2026-10-25T00:00"),
        end=local("Europe/Berlin", "2026-10-26T00:00"),
    )
    assert shown(autumn) == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]
    spring = starts(
        settings=settings,
        hours=hours,
        start=local("Europe/Berlin", "2026-03-29T00:00"),
        end=local("Europe/Berlin", "2026-03-30T00:00"),
    )
    assert shown(spring) == ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]


def test_an_interval_starting_in_the_skipped_hour_starts_after_the_gap() -> None:
    slots = starts(
        settings=BERLIN,
        hours=week(SUNDAY="02:30-05:00"),
        start=local("Europe/Berlin", "2026-03-29T00:00"),
        end=local("Europe/Berlin", "2026-03-30T00:00"),
    )
    assert shown(slots) == [
        "2026-03-29T03:30:00+02:00",
        "2026-03-29T04:00:00+02:00",
    ]


def test_new_york_spring_change_has_no_slots_in_the_skipped_hour() -> None:
    slots = starts(
        settings=NEW_YORK,
        hours=week(SUNDAY="00:00-05:00"),
        start=local("America/New_York", "2026-03-08T00:00"),
        end=local("America/New_York", "2026-03-09T00:00"),
    )
    assert shown(slots) == [
        "2026-03-08T00:00:00-05:00",
        "2026-03-08T00:30:00-05:00",
        "2026-03-08T01:00:00-05:00",
        "2026-03-08T01:30:00-05:00",  # ends at 03:00 EDT, an hour later
        "2026-03-08T03:00:00-04:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-08T04:00:00-04:00",
    ]


def test_new_york_autumn_change_lists_every_instant_of_the_repeated_hour_once() -> None:
    slots = starts(
        settings=NEW_YORK,
        duration=30,
        start=utc("2026-11-01T04:00"),
        end=utc("2026-11-01T08:00"),
    )
    assert shown(slots) == [
        "2026-11-01T00:00:00-04:00",
        "2026-11-01T00:30:00-04:00",
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T01:00:00-05:00",
        "2026-11-01T01:30:00-05:00",
        "2026-11-01T02:00:00-05:00",
        "2026-11-01T02:30:00-05:00",
    ]
    assert len({slot.start for slot in slots}) == 8


def test_an_interval_across_midnight_and_touching_intervals_join() -> None:
    hourly = SalonSettings(slot_minutes=60)
    friday, sunday = utc("2026-12-04T00:00"), utc("2026-12-06T00:00")
    across = starts(settings=hourly, hours=week(FRIDAY="22:00-02:00"), start=friday, end=sunday)
    assert [slot.start for slot in across] == [
        utc("2026-12-04T22:00"),
        utc("2026-12-04T23:00"),
        utc("2026-12-05T00:00"),
        utc("2026-12-05T01:00"),
    ]
    two_hours = starts(
        settings=hourly,
        hours=week(FRIDAY="22:00-00:00", SATURDAY="00:00-02:00"),
        duration=120,
        start=friday,
        end=sunday,
    )
    assert [slot.start for slot in two_hours] == [
        utc("2026-12-04T22:00"),
        utc("2026-12-04T23:00"),
        utc("2026-12-05T00:00"),
    ]


def test_a_zone_half_an_hour_off_utc_with_an_hourly_grid() -> None:
    kolkata = SalonSettings(time_zone="Asia/Kolkata", slot_minutes=60)
    monday = local("Asia/Kolkata", "2026-12-07T00:00")
    slots = starts(
        settings=kolkata, hours=week(MONDAY="09:00-12:00"), start=monday, end=monday + timedelta(1)
    )
    assert [slot.start for slot in slots] == [
        utc("2026-12-07T03:30"),
        utc("2026-12-07T04:30"),
        utc("2026-12-07T05:30"),
    ]
    assert [slot.local.date().isoformat() for slot in slots] == ["2026-12-07"] * 3
    # A start grid of 60 minutes in UTC leaves no start on the salon's :00 in Kolkata.
    hourly_utc = Windows(booking_horizon=timedelta(days=36500), start_grid_minutes=60)
    assert not starts(
        settings=kolkata,
        hours=week(MONDAY="09:00-12:00"),
        start=monday,
        end=monday + timedelta(1),
        windows=hourly_utc,
    )


def test_auckland_far_from_utc_shows_the_local_date() -> None:
    auckland = SalonSettings(time_zone="Pacific/Auckland", slot_minutes=60)
    slots = starts(
        settings=auckland,
        hours=week(TUESDAY="08:00-10:00"),
        start=utc("2026-12-06T00:00"),
        end=utc("2026-12-09T00:00"),
    )
    assert [(slot.start, slot.local.date().isoformat()) for slot in slots] == [
        (utc("2026-12-07T19:00"), "2026-12-08"),
        (utc("2026-12-07T20:00"), "2026-12-08"),
    ]


def test_nothing_set_means_every_grid_time() -> None:
    slots = starts(start=utc("2026-12-07T10:00"), end=utc("2026-12-07T12:00"), duration=45)
    assert [slot.start for slot in slots] == [
        utc("2026-12-07T10:00") + timedelta(minutes=15 * n) for n in range(8)
    ]


def test_the_past_the_horizon_and_the_utc_start_grid_follow_create_booking() -> None:
    slots = starts(
        start=utc("2026-12-07T09:00"),
        end=utc("2026-12-08T00:00"),
        now=utc("2026-12-07T09:07:30"),
        windows=Windows(booking_horizon=timedelta(hours=1)),
    )
    assert [slot.start for slot in slots] == [
        utc("2026-12-07T09:15"),
        utc("2026-12-07T09:30"),
        utc("2026-12-07T09:45"),
        utc("2026-12-07T10:00"),
    ]


def test_the_buffer_must_fit_before_the_end_of_the_shift() -> None:
    slots = starts(
        hours=week(MONDAY="09:00-12:00"),
        buffer=15,
        start=utc("2026-12-07T00:00"),
        end=utc("2026-12-08T00:00"),
    )
    assert slots[-1].start == utc("2026-12-07T10:45")
    assert len(slots) == 8


def test_time_off_and_closures_cut_intervals() -> None:
    slots = starts(
        hours=week(MONDAY="09:00-17:00"),
        settings=SalonSettings(slot_minutes=60),
        time_off=[Absence(utc("2026-12-07T11:30"), utc("2026-12-07T13:00"))],
        closures=[Absence(utc("2026-12-07T15:00"), utc("2026-12-07T16:00"))],
        start=utc("2026-12-07T00:00"),
        end=utc("2026-12-08T00:00"),
    )
    assert [slot.start.hour for slot in slots] == [9, 10, 13, 14, 16]


def test_bookings_hold_their_slot_with_their_buffers() -> None:
    slots = starts(
        hours=week(MONDAY="08:00-13:00"),
        duration=60,
        buffer=15,
        busy=[(utc("2026-12-07T10:00"), utc("2026-12-07T11:30"))],
        start=utc("2026-12-07T00:00"),
        end=utc("2026-12-08T00:00"),
    )
    assert [slot.start.strftime("%H:%M") for slot in slots] == [
        "08:00",
        "08:15",
        "08:30",
        "08:45",
        "11:30",
        "11:45",
    ]


def test_refusal_reasons_in_order() -> None:
    day = utc("2026-12-07T00:00")
    working = working_time(
        settings=SalonSettings(opening_hours=week(MONDAY="08:00-18:00")),
        hours=week(MONDAY="09:00-12:00 13:00-17:00"),
        outside_opening_hours=False,
        time_off=[Absence(utc("2026-12-07T14:00"), utc("2026-12-07T15:00"))],
        closures=[Absence(utc("2026-12-07T16:00"), utc("2026-12-07T17:00"))],
        start=day,
        end=day + timedelta(days=1),
    )

    def refusal(start: str, end: str, busy_until: str) -> Refusal | None:
        return working.refusal(
            utc(f"2026-12-07T{start}"), utc(f"2026-12-07T{end}"), utc(f"2026-12-07T{busy_until}")
        )

    assert refusal("09:00", "10:00", "10:30") is None
    assert refusal("07:30", "08:30", "08:30") is Refusal.CLOSED  # before opening
    assert refusal("13:30", "16:30", "16:30") is Refusal.CLOSED  # closure before time off
    assert refusal("14:30", "15:30", "15:30") is Refusal.TIME_OFF
    assert refusal("08:00", "09:00", "09:00") is Refusal.NOT_WORKING
    assert refusal("11:30", "12:30", "12:30") is Refusal.NOT_WORKING  # over the lunch break
    assert refusal("11:00", "12:00", "12:15") is Refusal.BUFFER
    assert refusal("13:00", "14:00", "14:15") is Refusal.BUFFER  # buffer into time off
    assert refusal("15:00", "16:00", "16:10") is Refusal.BUFFER  # buffer into a closure


def test_hours_outside_opening_hours_when_allowed() -> None:
    day = utc("2026-12-07T00:00")
    settings = SalonSettings(opening_hours=week(MONDAY="09:00-17:00"))
    for outside, expected in ((False, Refusal.CLOSED), (True, None)):
        working = working_time(
            settings=settings,
            hours=week(MONDAY="18:00-20:00"),
            outside_opening_hours=outside,
            time_off=(),
            closures=(),
            start=day,
            end=day + timedelta(days=1),
        )
        assert working.refusal(utc("2026-12-07T18:00"), *[utc("2026-12-07T19:00")] * 2) is (
            expected
        )


def test_stylist_without_hours_works_when_the_salon_is_open() -> None:
    slots = starts(
        settings=SalonSettings(slot_minutes=60, opening_hours=week(MONDAY="10:00-13:00")),
        start=utc("2026-12-07T00:00"),
        end=utc("2026-12-08T00:00"),
    )
    assert [slot.start.hour for slot in slots] == [10, 11, 12]


def test_a_half_hour_change_moves_the_grid_with_the_minute_of_the_hour() -> None:
    """Lord Howe Island goes from +10:30 to +11:00 at 02:00 local: the grid's instants in UTC
    move by half an hour, and none is skipped or listed twice."""
    slots = starts(
        settings=SalonSettings(time_zone="Australia/Lord_Howe", slot_minutes=20),
        duration=20,
        start=utc("2026-10-03T15:00"),
        end=utc("2026-10-03T16:30"),
    )
    assert shown(slots) == [
        "2026-10-04T01:40:00+10:30",
        "2026-10-04T02:40:00+11:00",
        "2026-10-04T03:00:00+11:00",
        "2026-10-04T03:20:00+11:00",
    ]
