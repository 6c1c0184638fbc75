"""Websockets under overload: a connection_init or a subscription whose database work finds no
admission slot is closed with 1013 (try again later) and one log line, never a stack trace; a
caller whose role is cached needs no slot; and the tailer and readiness keep working while the
main pool is dry (they have a pool of their own)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.roles import Role
from salonbook.realtime.admission import Admission
from salonbook.realtime.delivery import StreamParts
from tests.support.factory import Factory
from tests.support.live import Closed, ws_client
from tests.support.streams import (
    EVENTS,
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)


def stream_of(app: Starlette) -> StreamParts:
    stream: StreamParts | None = app.state.runtime.stream
    assert stream is not None
    return stream


@contextlib.asynccontextmanager
async def every_slot_taken(admission: Admission) -> AsyncIterator[None]:
    """The admission's slots all held, as by a storm's connections in the middle of their
    reads."""
    async with contextlib.AsyncExitStack() as held:
        while True:
            try:
                await held.enter_async_context(admission.slot())
            except Exception:  # Overloaded: none left
                break
        yield


def no_stack_traces(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_a_connection_init_that_must_read_a_role_waits_for_a_slot_then_is_told_1013(
    app: Starlette, factory: Factory, live: str, caplog: pytest.LogCaptureFixture
) -> None:
    known, new = await factory.person(Role.STYLIST), await factory.person(Role.STYLIST)
    async with ws_client(live, token=factory.token(known)):
        pass  # its role is cached from now on
    caplog.set_level(logging.WARNING)
    async with every_slot_taken(stream_of(app).admission):
        async with ws_client(live, token=factory.token(known)) as cached:
            assert cached.closed.done() is False  # no database work: no slot needed
        with pytest.raises(Closed) as refused:
            async with ws_client(live, token=factory.token(new)):
                pass
    assert (refused.value.code, refused.value.reason) == (1013, "try again later")
    said = [r.getMessage() for r in caplog.records if r.name == "salonbook.websockets"]
    assert said == [
        "connection_init: CallerUnavailable (Overloaded); closed with 1013 (try again later)"
    ]
    no_stack_traces(caplog)
    async with ws_client(live, token=factory.token(new)):  # the retry, once there is room
        pass


async def test_a_subscription_whose_replay_finds_no_slot_closes_the_socket_with_1013(
    app: Starlette, factory: Factory, live: str, caplog: pytest.LogCaptureFixture
) -> None:
    party = await factory.party()
    stream = stream_of(app)
    after = stream.cursors.encode(tailer(app).here())
    caplog.set_level(logging.WARNING)
    async with (
        ws_client(live, token=factory.token(party.admin)) as client,
        every_slot_taken(stream.admission),
    ):
        operation = await client.subscribe(EVENTS, {"after": after})
        with pytest.raises(Closed) as refused:
            await client.next(operation, within=10)
    assert (refused.value.code, refused.value.reason) == (1013, "try again later")
    said = [r.getMessage() for r in caplog.records if r.name == "salonbook.websockets"]
    assert said == ["a subscription: Overloaded (the server is busy; try again later); "
                    "closed with 1013 (try again later)"]  # fmt: skip
    no_stack_traces(caplog)


async def test_live_delivery_and_readiness_go_on_while_the_main_pool_is_dry(
    app: Starlette, engine: AsyncEngine, factory: Factory, live: str
) -> None:
    party = await factory.party()
    (booking,) = await confirmed_bookings(factory, party, 1)
    await caught_up(app)
    feeds = tailer(app).feed_count
    main_pool = app.state.runtime.deps.engine
    async with ws_client(live, token=factory.token(party.admin)) as admin:
        operation = await admin.subscribe(EVENTS, {"filter": {"bookingId": str(booking.id)}})
        await until_feeds(app, feeds + 1)
        async with contextlib.AsyncExitStack() as dry:
            for _ in range(main_pool.pool.size()):
                await dry.enter_async_context(main_pool.connect())
            await cancel_committed(engine, party, booking, factory)  # the tests' own engine
            (event,) = await admin.events(operation, 1, within=2.5)  # under the pool's 3 s
            assert (event["bookingId"], event["kind"]) == (str(booking.id), "STATUS_CHANGED")
            async with httpx.AsyncClient(base_url=f"http://{live}") as http:
                ready = await asyncio.wait_for(http.get("/readyz"), timeout=2.5)
            assert ready.status_code == 200, ready.text
