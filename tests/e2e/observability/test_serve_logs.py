"""`salonbook serve` writes JSON lines only: uvicorn's own lines too, and one line per request
in place of uvicorn's access log."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

import httpx
import orjson

from salonbook.config import Settings
from tests.support.processes import ROOT, server_environment, stop

RUNNING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


async def test_serve_writes_every_line_as_json_and_one_per_request(settings: Settings) -> None:
    assert settings.database_url is not None
    environment = server_environment(database_url=settings.database_url, broadcast_url=None)
    environment["SALONBOOK_SWEEP_SECONDS"] = "0"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "salonbook.cli", "serve", "--port", "0",
        cwd=ROOT, env=environment, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    printed: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while not (found := RUNNING.search(b"".join(printed).decode())):
                line = await process.stdout.readline()
                assert line, "the server stopped:\n" + b"".join(printed).decode()
                printed.append(line)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{found.group(1)}") as http:
            answered = await http.post(
                "/graphql", json={"query": "{ me { role } }"}, headers={"X-Request-Id": "srv-1"}
            )
            refused = await http.post(
                "/graphql",
                json={"query": "{ me { role } }"},
                headers={"X-Request-Id": "srv-2", "Authorization": "Bearer not.a.token"},
            )
            health = await http.get("/healthz")
    finally:
        await stop(process)
        printed.append(await process.stdout.read())

    assert (answered.status_code, refused.status_code, health.status_code) == (200, 401, 200)
    lines = [orjson.loads(raw) for raw in b"".join(printed).splitlines() if raw.strip()]
    requests = [line for line in lines if line["logger"] == "salonbook.requests"]
    assert [(r["request_id"], r["outcome"], r["status"]) for r in requests] == [
        ("srv-1", "ok", 200),
        ("srv-2", "UNAUTHENTICATED", 401),
    ]
    assert {line["logger"] for line in lines} - {"salonbook.requests"} <= _STARTUP_LOGGERS
    assert any(_says(line, "Application shutdown complete.") for line in lines)
    assert "not.a.token" not in b"".join(printed).decode()


_STARTUP_LOGGERS = {"uvicorn.error", "alembic.runtime.migration"}


def _says(line: dict[str, Any], message: str) -> bool:
    return bool(line["logger"] == "uvicorn.error" and line["message"] == message)
