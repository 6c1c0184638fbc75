"""Starting and stopping `salonbook serve` with workers: SIGTERM to the parent stops every
worker gracefully (websockets closed with 1001, an in-flight request finished), then the parent
exits with 0; too many workers for the database's connections are refused before any starts;
`--workers 1` serves in the one process, as before."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from contextlib import AsyncExitStack
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import orjson
import psutil  # type: ignore[import-untyped]
import pytest

from salonbook.db.urls import plain_url
from tests.e2e.workers.support import environment, subscribers_on_both_workers, worker_pids
from tests.support.factory import Factory
from tests.support.live import Closed
from tests.support.processes import ROOT, SERVE, SERVE_TWO_WORKERS, server_environment, servers


async def test_sigterm_stops_every_worker_gracefully_and_the_parent_exits_with_0(
    database_url: str, factory: Factory, tmp_path: Path
) -> None:
    party = await factory.party()
    token = factory.token(party.admin)
    chosen = environment(database_url=database_url, metrics=tmp_path / "m", sweep_seconds=0)
    async with (
        servers(
            ["stopping"],
            environment=chosen,
            logs=tmp_path,
            command=SERVE_TWO_WORKERS,
            stopped_in_use=True,
        ) as (server,),
        AsyncExitStack() as stack,
    ):
        workers = worker_pids(server)
        subscribers = await subscribers_on_both_workers(
            stack, server, tmp_path / "m", token=token, party=party
        )
        host, port = server.base.split(":")
        body = orjson.dumps({"query": "{ me { id role } }"})
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: salonbook.test\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body[:5]
        )
        await writer.drain()
        await asyncio.sleep(0.5)  # the request has reached a worker

        server.process.send_signal(signal.SIGTERM)
        closes = await asyncio.gather(
            *(asyncio.wait_for(client.closed, timeout=15) for client, _ in subscribers)
        )
        with pytest.raises(OSError):  # no new connections once stopping
            await asyncio.open_connection(host, int(port))
        writer.write(body[5:])  # the request in flight completes
        await writer.drain()
        answered = await asyncio.wait_for(reader.read(), timeout=15)
        writer.close()
        exit_code = await asyncio.wait_for(server.process.wait(), timeout=30)

    assert len(workers) == 2
    assert {(c.code, c.reason) for c in closes if isinstance(c, Closed)} == {
        (1001, "server shutting down")
    }
    assert len(closes) == len(subscribers)
    assert answered.startswith(b"HTTP/1.1 200 OK")
    assert orjson.loads(answered.partition(b"\r\n\r\n")[2]) == {
        "data": {"me": {"id": str(party.admin.id), "role": "ADMIN"}}
    }
    assert exit_code == 0
    assert [pid for pid in workers if psutil.pid_exists(pid)] == []
    assert server.log.read_text().count("Application shutdown complete.") == 2


async def test_too_many_workers_for_the_databases_connections_are_refused_in_one_line(
    database_url: str, tmp_path: Path
) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        max_connections = int(await connection.fetchval("SHOW max_connections"))
    finally:
        await connection.close()
    pool = max_connections // 2  # three processes of pool + 3 cannot fit
    chosen = environment(database_url=database_url, metrics=tmp_path, sweep_seconds=0)
    chosen["SALONBOOK_DB_POOL_SIZE"] = str(pool)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "salonbook.cli", "serve", "--port", "0", "--workers", "3",
        cwd=ROOT, env=chosen, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, said = await asyncio.wait_for(process.communicate(), timeout=60)

    assert process.returncode == 2
    lines = said.decode().splitlines()
    assert len(lines) == 1, said.decode()
    assert re.fullmatch(
        rf"salonbook serve: 3 workers need up to {3 * (pool + 3)} database connections"
        rf" \({pool + 3} each: SALONBOOK_DB_POOL_SIZE={pool} \+ 2 tailer \+ 1 LISTEN\), but"
        r" PostgreSQL"
        rf" allows \d+ \(max_connections {max_connections} - \d+ reserved\); lower --workers"
        r" \(SALONBOOK_WORKERS\) or SALONBOOK_DB_POOL_SIZE, or raise max_connections",
        lines[0],
    ), lines[0]


async def test_one_worker_serves_in_the_process_itself_as_before(
    database_url: str, tmp_path: Path
) -> None:
    chosen = server_environment(database_url=database_url, broadcast_url=None)
    async with servers(
        ["one"], environment=chosen, logs=tmp_path, command=SERVE, stopped_in_use=True
    ) as (server,):
        children = psutil.Process(server.process.pid).children(recursive=True)
        server.process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(server.process.wait(), timeout=30)

    assert children == []
    assert exit_code == -signal.SIGTERM  # uvicorn stops gracefully, then by the signal it got
