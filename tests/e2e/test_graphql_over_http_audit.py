"""The GraphQL-over-HTTP audit of `graphql-http` (the reference suite of the spec, run by
tests/js/audit.mjs) against the session's app on a real port: every one of its 61 audits, the
MUSTs, the SHOULDs and the MAYs, passes."""

from __future__ import annotations

from tests.support.node import JS
from tests.support.processes import json_lines_child

AUDITS = 61
AUDIT_SECONDS = 60.0
"""Bound on the whole audit (it takes about a second)."""


async def test_every_graphql_over_http_audit_passes(live: str, node: str) -> None:
    command = (node, str(JS / "audit.mjs"), f"http://{live}/graphql")
    async with json_lines_child(*command, cwd=JS) as audit:
        summary = await audit.line(within=AUDIT_SECONDS)
        exit_code = await audit.exit_code()

    failed = [found for found in summary["audits"] if found["status"] != "ok"]
    assert (summary["total"], summary["ok"], failed) == (AUDITS, AUDITS, []), failed
    assert exit_code == 0
