"""rescheduleBooking retried: a stale expected version is a conflict that changes nothing, and
a replayed idempotency key moves the booking once."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.reschedule_calls import arrange, move, state
from tests.support.api import Api
from tests.support.factory import Factory


async def test_a_stale_expected_version_is_a_conflict_that_changes_nothing(
    api: Api, factory: Factory
) -> None:
    party, booking = await arrange(factory)
    before = await state(api, factory, party, booking)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    version = booking.facts.version

    stale = await move(api, factory, party.admin, booking, start, expectedVersion=version - 1)
    unchanged = await state(api, factory, party, booking)
    current = await move(api, factory, party.admin, booking, start, expectedVersion=version)

    assert stale == {
        "__typename": "VersionConflictError",
        "code": "VERSION_CONFLICT",
        "message": stale["message"],
        "currentVersion": version,
    }
    assert unchanged == before
    assert current["booking"]["version"] == version + 1


async def test_a_replayed_idempotency_key_moves_once(api: Api, factory: Factory) -> None:
    party, booking = await arrange(factory)
    start = (factory.clock.now() + timedelta(days=3)).isoformat()
    elsewhere = (factory.clock.now() + timedelta(days=4)).isoformat()
    key = {"idempotencyKey": f"move-{booking.id}"}

    first = await move(api, factory, party.admin, booking, start, **key)
    replay = await move(api, factory, party.admin, booking, start, **key)
    after_replay = await state(api, factory, party, booking)
    conflict = await move(api, factory, party.admin, booking, elsewhere, **key)

    assert first["__typename"] == "RescheduleBookingSuccess"
    assert replay == first
    assert after_replay["version"] == booking.facts.version + 1
    assert [move["id"] for move in after_replay["reschedules"]] == [first["reschedule"]["id"]]
    assert (conflict["__typename"], conflict["code"]) == (
        "IdempotencyConflictError",
        "IDEMPOTENCY_CONFLICT",
    )
    assert await state(api, factory, party, booking) == after_replay
