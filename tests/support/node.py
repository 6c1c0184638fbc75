"""Node.js with tests/js's locked npm packages (the JavaScript ecosystem's reference clients),
installed with `npm ci` the first time a session needs them."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "js"
INSTALL_SECONDS = 600


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(
            f"`{name}` is not on PATH: the tests in tests/js need Node.js 20+ with npm",
            pytrace=False,
        )
    return found


def _installed() -> bool:
    """npm writes node_modules/.package-lock.json last; older than the lock file = stale."""
    marker = JS / "node_modules" / ".package-lock.json"
    lock = JS / "package-lock.json"
    return marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime


def node_with_packages() -> str:
    """The path of `node`, once tests/js's packages are installed (bounded by INSTALL_SECONDS)."""
    node, npm = _tool("node"), _tool("npm")
    with (JS / "package-lock.json").open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be installing right now
        if not _installed():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS, capture_output=True, text=True, timeout=INSTALL_SECONDS, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                pytest.fail(
                    f"`npm ci` in {JS} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                    pytrace=False,
                )
    return node
