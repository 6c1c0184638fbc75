"""Our own bug on a websocket ends in 1011 (internal error, which graphql-ws clients do not
retry) and one log line, never an ASGI stack trace: inside the transport's handler, and around
it (the connection's context, made once the socket is accepted)."""

from __future__ import annotations

import logging

import pytest
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosedError

from salonbook.api.endpoint import SalonbookGraphQL
from salonbook.api.subscriptions.transport import LiveTransportWS
from tests.support.factory import Factory
from tests.support.live import Closed, ws_client


def said(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What was logged at WARNING and above; a stack trace fails the test."""
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_failure_in_the_transport_closes_with_1011_and_one_line(
    app: Starlette,
    factory: Factory,
    live: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    party = await factory.party()

    async def broken(self: LiveTransportWS, message: object) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(LiveTransportWS, "handle_ping", broken)
    caplog.set_level(logging.WARNING)
    async with ws_client(live, token=factory.token(party.admin)) as client:
        await client.connection.send('{"type": "ping"}')
        with pytest.raises(Closed) as closed:
            await client.next(await client.subscribe("{ me { role } }"), within=5)
    assert (closed.value.code, closed.value.reason) == (1011, "internal error")
    assert said(caplog) == ["the websocket failed: RuntimeError (a bug of ours); closed with 1011"]


async def test_a_failure_around_the_transport_closes_with_1011_and_one_line(
    app: Starlette,
    live: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(self: SalonbookGraphQL, request: object, response: object) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(SalonbookGraphQL, "get_context", broken)
    caplog.set_level(logging.WARNING)
    with pytest.raises((Closed, ConnectionClosedError)) as closed:
        async with ws_client(live, token=None):
            pass
    error = closed.value
    if isinstance(error, ConnectionClosedError):  # refused while sending connection_init
        assert error.rcvd is not None and error.rcvd.code == 1011
    else:
        assert isinstance(error, Closed) and error.code == 1011
    assert said(caplog) == ["a websocket failed: RuntimeError (a bug of ours); closed with 1011"]
