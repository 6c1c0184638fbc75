"""The live path never waits for a slow socket: a socket that takes messages at once costs no
task; one that stops taking them holds at most its capacity, in order; past that the subscriber
is told to resync, what was held is dropped unwritten, and it goes live again."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.model import Actor
from salonbook.domain.roles import Role
from salonbook.realtime.delivery import booking_events
from salonbook.realtime.feed import Feed
from salonbook.realtime.live import Writer
from salonbook.realtime.types import Delivery, LiveSink, Resync
from tests.support.factory import Factory
from tests.support.streams import (
    cancel_committed,
    caught_up,
    confirmed_bookings,
    tailer,
    until_feeds,
)

CAPACITY = 3


class Socket:
    """The far end of a subscriber's socket: it takes messages while `taking` is set."""

    def __init__(self, *, fails: bool = False) -> None:
        self.taking = asyncio.Event()
        self.taking.set()
        self.sent: list[str] = []
        self.fails = fails

    async def send(self, text: str) -> None:
        await self.taking.wait()
        if self.fails:
            raise ConnectionResetError("gone")
        self.sent.append(text)


async def test_a_socket_that_takes_messages_costs_no_task_and_keeps_their_order() -> None:
    socket, failures = Socket(), list[BaseException]()
    writer = Writer(socket.send, capacity=CAPACITY, failed=failures.append)
    assert writer.write("a")
    assert socket.sent == ["a"]  # written before write() returned
    socket.taking.clear()
    assert all(writer.write(text) for text in ("b", "c", "d", "e"))  # one waits, three held
    assert not writer.write("f")  # past the capacity
    await asyncio.sleep(0.01)  # the writer's task really waits for the socket
    assert socket.sent == ["a"]
    socket.taking.set()
    await writer.drained()
    assert socket.sent == ["a", "b", "c", "d", "e"]
    assert writer.write("g")
    assert socket.sent[-1] == "g"
    assert failures == []


async def test_stopping_drops_what_waits_for_the_socket_unwritten() -> None:
    socket, failures = Socket(), list[BaseException]()
    writer = Writer(socket.send, capacity=CAPACITY, failed=failures.append)
    socket.taking.clear()
    assert writer.write("a") and writer.write("b")
    await asyncio.sleep(0.01)
    writer.stop()
    socket.taking.set()
    await writer.drained()
    await asyncio.sleep(0)
    assert socket.sent == []
    assert failures == []


async def test_a_socket_that_fails_while_held_messages_wait_is_reported() -> None:
    socket, failures = Socket(fails=True), list[BaseException]()
    writer = Writer(socket.send, capacity=CAPACITY, failed=failures.append)
    socket.taking.clear()
    assert writer.write("a") and writer.write("b")
    await asyncio.sleep(0.01)
    socket.taking.set()
    await writer.drained()
    assert [type(error) for error in failures] == [ConnectionResetError]
    assert socket.sent == []


def sink_for(socket: Socket) -> LiveSink:
    async def render(delivery: Delivery) -> str:
        return orjson.dumps({"bookingId": str(delivery.event.booking_id)}).decode()

    return LiveSink(
        group="test",
        render=render,
        prefix='{"id":"1","type":"next","payload":',
        send=socket.send,
        is_open=lambda: True,
    )


def booking_ids(sent: list[str]) -> list[str]:
    return [orjson.loads(text)["payload"]["bookingId"] for text in sent]


async def test_a_live_subscriber_too_slow_is_bounded_then_resynced_then_live_again(
    app: Starlette, engine: AsyncEngine, factory: Factory
) -> None:
    party = await factory.party()
    bookings = await confirmed_bookings(factory, party, 4 + CAPACITY)
    first, held, last = bookings[0], bookings[1:-1], bookings[-1]
    parts = replace(app.state.runtime.stream, capacity=CAPACITY)
    viewer = Actor(party.admin.id, Role.ADMIN)
    socket = Socket()
    await caught_up(app)
    feeds = tailer(app).feed_count
    stream = booking_events(
        parts,
        viewer=viewer,
        booking_id=None,
        stylist_id=party.stylist.id,
        after=None,
        sink=sink_for(socket),
    )
    waiting = asyncio.ensure_future(anext(stream))
    try:
        await until_feeds(app, feeds + 1)
        (feed,) = [f for f in tailer(app)._feeds if isinstance(f, Feed) and f.viewer == viewer]
        assert feed.sink is not None
        await cancel_committed(engine, party, first, factory)
        async with asyncio.timeout(5):
            while not socket.sent:  # noqa: ASYNC110 (the tailer writes: no event to await)
                await asyncio.sleep(0.005)
        assert booking_ids(socket.sent) == [str(first.id)]

        socket.taking.clear()  # the client stops reading
        for booking in held:  # one waits for the socket, CAPACITY are held, one too many
            await cancel_committed(engine, party, booking, factory)
        resync = await asyncio.wait_for(waiting, timeout=5)
        assert isinstance(resync, Resync)
        assert feed.sink is None

        socket.taking.set()
        waiting = asyncio.ensure_future(anext(stream))
        async with asyncio.timeout(5):
            while feed.sink is None:  # noqa: ASYNC110 (server state)
                await asyncio.sleep(0.005)
        await cancel_committed(engine, party, last, factory)
        async with asyncio.timeout(5):
            while len(socket.sent) < 2:  # noqa: ASYNC110 (the tailer writes)
                await asyncio.sleep(0.005)
        assert booking_ids(socket.sent) == [str(first.id), str(last.id)]  # nothing held came
        assert not waiting.done()
    finally:
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await stream.aclose()
    assert tailer(app).feed_count == feeds
