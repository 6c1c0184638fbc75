"""The request log lines a test captured, as the JSON they are written as."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from salonbook.observability.logs import JsonFormatter

FORMATTER = JsonFormatter()


def written(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Every captured record, as its JSON line."""
    return [orjson.loads(FORMATTER.format(record)) for record in caplog.records]


def request_lines(caplog: pytest.LogCaptureFixture, request_id: str) -> list[dict[str, Any]]:
    """The request log lines of one request id, without their time and duration (checked
    apart: they vary)."""
    found = []
    for line in written(caplog):
        if line["logger"] == "salonbook.requests" and line["request_id"] == request_id:
            assert isinstance(line.pop("time"), str)
            duration = line.pop("duration_ms")
            assert isinstance(duration, float) and duration > 0
            found.append(line)
    return found


async def until_logged(
    caplog: pytest.LogCaptureFixture, request_id: str, within: float = 5.0
) -> list[dict[str, Any]]:
    """The lines of a request id once there is one (a websocket's is written after it closed,
    on the server's side)."""
    async with asyncio.timeout(within):
        while not (found := request_lines(caplog, request_id)):  # noqa: ASYNC110 (a log)
            await asyncio.sleep(0.01)
    return found
