"""What a websocket's connection_init carries as its Authorization, against the JWT table's
guarded server: anything but a bearer token closes the socket with 4403; nothing at all is an
anonymous connection."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support.live import PROTOCOL


async def _first_answer(base: str, payload: dict[str, object]) -> int | str:
    """The type of the server's answer to connection_init, or its close code."""
    async with connect(f"ws://{base}/graphql", subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            answer = json.loads(await asyncio.wait_for(connection.recv(), timeout=5))
        except ConnectionClosed:
            assert connection.close_code is not None
            return connection.close_code
        return str(answer["type"])


@pytest.mark.parametrize(
    "authorization",
    [123, ["Bearer x"], {"token": "x"}, True, "Basic YWRtaW46YWRtaW4=", "Bearer ", "Bearer a b"],
    ids=["number", "list", "object", "true", "basic", "empty bearer", "two words"],
)
async def test_a_malformed_websocket_authorization_closes_with_4403(
    guarded: str, authorization: object
) -> None:
    assert await _first_answer(guarded, {"Authorization": authorization}) == 4403


async def test_a_websocket_without_authorization_is_anonymous(guarded: str) -> None:
    assert await _first_answer(guarded, {}) == "connection_ack"
