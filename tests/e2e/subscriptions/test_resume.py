"""Resuming with `after`: exactly the missed events, even when transactions commit out of id
order around the disconnect; the live stream has no gap either."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.db.engine import unit_of_work
from tests.support.factory import Factory
from tests.support.live import ws_client
from tests.support.streams import (
    EVENTS,
    cancel,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    cursor_of_a_cancel,
    tailer,
    until_feeds,
)


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [event["bookingId"] for event in events]


async def test_resume_gets_exactly_the_missed_events_even_out_of_id_order(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    a, b, c, d = await confirmed_bookings(factory, party, 4)
    token = factory.token(party.admin)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    await caught_up(app)
    feeds = tailer(app).feed_count
    async with ws_client(live, token=token) as steady:
        steady_op = await steady.subscribe(EVENTS, mine)
        async with ws_client(live, token=token) as first:
            first_op = await first.subscribe(EVENTS, mine)
            await until_feeds(app, feeds + 2)
            # a's transaction takes the lower event id and stays open while b's commits
            async with unit_of_work(engine) as open_connection:  # commits at the end
                await cancel(open_connection, party, a, factory)
                await cancel_committed(engine, party, b, factory)
                (seen,) = await first.events(first_op, 1)
                assert seen["bookingId"] == str(b.id)
                cursor = seen["cursor"]
                # `first` has gone; a's change commits after its cursor was handed out
                await first.connection.close()
        await cancel_committed(engine, party, c, factory)
        assert ids(await steady.events(steady_op, 3)) == [str(b.id), str(a.id), str(c.id)]

        async with ws_client(live, token=token) as resumed:
            op = await resumed.subscribe(EVENTS, {**mine, "after": cursor})
            replayed = await resumed.events(op, 2)
            assert ids(replayed) == [str(a.id), str(c.id)]
            assert [e["booking"]["status"] for e in replayed] == ["CANCELLED", "CANCELLED"]
            await resumed.silence(op)
            await cancel_committed(engine, party, d, factory)
            assert ids(await resumed.events(op, 1)) == [str(d.id)]
            await resumed.silence(op)

        async with ws_client(live, token=token) as at_the_end:
            op = await at_the_end.subscribe(EVENTS, {**mine, "after": replayed[-1]["cursor"]})
            assert ids(await at_the_end.events(op, 1)) == [str(d.id)]
            await at_the_end.silence(op)


async def test_resuming_while_changes_commit_has_no_gap_and_no_duplicate(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 24)
    token = factory.token(party.admin)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    await caught_up(app)
    feeds = tailer(app).feed_count

    async def commit_all() -> None:
        for booking in bookings:
            await cancel_committed(engine, party, booking, factory)
            await asyncio.sleep(0.01)

    async with ws_client(live, token=token) as steady:
        steady_op = await steady.subscribe(EVENTS, mine)
        async with ws_client(live, token=token) as first:
            first_op = await first.subscribe(EVENTS, mine)
            await until_feeds(app, feeds + 2)
            committing = asyncio.create_task(commit_all())
            before = await first.events(first_op, 5)
        # disconnected while changes keep committing; resume from the last cursor
        async with ws_client(live, token=token) as resumed:
            op = await resumed.subscribe(EVENTS, {**mine, "after": before[-1]["cursor"]})
            await committing
            after = await resumed.events(op, len(bookings) - 5)
            await resumed.silence(op)
        everything = await steady.events(steady_op, len(bookings))
    expected = {str(booking.id) for booking in bookings}
    assert set(ids(everything)) == expected
    delivered = ids(before) + ids(after)
    assert len(delivered) == len(set(delivered)) == len(bookings)
    assert set(delivered) == expected


async def test_a_cursor_older_than_retention_gets_resync_required(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    token = factory.token(party.admin)
    mine = {"filter": {"stylistId": str(party.stylist.id)}}
    cursor = await cursor_of_a_cancel(app, engine, factory, party, booking, live)
    retention = app.state.runtime.stream.retention
    factory.clock.advance(retention + timedelta(minutes=1))
    async with ws_client(live, token=token) as resumed:
        operation = await resumed.subscribe(EVENTS, {**mine, "after": cursor})
        (resync,) = await resumed.events(operation, 1)
        assert (resync["kind"], resync["bookingId"], resync["booking"]) == (
            "RESYNC_REQUIRED",
            None,
            None,
        )
        await resumed.silence(operation)
