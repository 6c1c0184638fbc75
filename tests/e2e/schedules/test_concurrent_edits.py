"""Overlapping edits sent at once are taken one at a time (time off under the stylist's slot
lock, closures under the salon schedule's): one wins, every other is told it overlaps, and only
the winner is written, audited and announced."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.schedules.calls import ADD_CLOSURE, ADD_TIME_OFF, REMOVE_CLOSURE, call, written
from tests.support.api import Api
from tests.support.factory import Factory

CLIENTS = 6


async def test_overlapping_time_off_sent_at_once_is_added_once(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    start = factory.clock.now() + timedelta(days=1200)
    before = await written(engine)

    def payload(n: int) -> dict[str, Any]:
        begins = start + timedelta(minutes=10 * n)
        return {
            "stylistId": str(party.stylist.id),
            "start": begins.isoformat(),
            "end": (begins + timedelta(hours=2)).isoformat(),
            "reason": f"try {n}",
        }

    results = await asyncio.gather(
        *(call(api, factory, party.admin, ADD_TIME_OFF, payload(n)) for n in range(CLIENTS))
    )
    kinds = sorted(result["__typename"] for result in results)
    assert kinds == ["AddTimeOffSuccess"] + ["ValidationFailedError"] * (CLIENTS - 1)
    assert {r["field"] for r in results if r["__typename"] == "ValidationFailedError"} == {"start"}
    after = await written(engine)
    # one more audit row, event and time off; nothing else
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 0, 0, 0, 0, 0, 0]


async def test_overlapping_closures_sent_at_once_are_added_once(
    api: Api, factory: Factory, engine: AsyncEngine
) -> None:
    party = await factory.party()
    start = factory.clock.now() + timedelta(days=1300)
    before = await written(engine)

    def payload(n: int) -> dict[str, Any]:
        begins = start + timedelta(minutes=10 * n)
        return {
            "start": begins.isoformat(),
            "end": (begins + timedelta(hours=2)).isoformat(),
            "reason": f"try {n}",
        }

    results = await asyncio.gather(
        *(call(api, factory, party.admin, ADD_CLOSURE, payload(n)) for n in range(CLIENTS))
    )
    won = [result for result in results if result["__typename"] == "AddClosureSuccess"]
    assert len(won) == 1
    assert sorted(result["__typename"] for result in results if result not in won) == [
        "ValidationFailedError"
    ] * (CLIENTS - 1)
    after = await written(engine)
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 0, 0, 1, 0, 0, 0, 0]
    removal = {"closureId": won[0]["closure"]["id"], "reason": "test over"}
    assert (await call(api, factory, party.admin, REMOVE_CLOSURE, removal))["__typename"] == (
        "RemoveClosureSuccess"
    )
