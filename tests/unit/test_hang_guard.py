"""The suite's hang guard (tests/support/hang_guard.py): a hung test fails with its tasks'
stacks and the run goes on; a blocked event loop ends the run with every thread's stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HANGING = """
import asyncio
import time


async def test_waits_forever():
    await asyncio.Event().wait()


async def test_blocks_the_loop():
    time.sleep(60)


async def test_after():
    pass
"""
ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *selected: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_hanging.py").write_text(HANGING)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "tests.support.hang_guard", "-c", str(tmp_path / "pytest.ini"),
         *(f"{tmp_path / 'test_hanging.py'}::{name}" for name in selected)],
        cwd=ROOT, env={**os.environ, "SALONBOOK_TEST_HANG_SECONDS": "1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_hung_test_fails_with_its_stack_and_the_run_goes_on(tmp_path: Path) -> None:
    ran = run(tmp_path, "test_waits_forever", "test_after")

    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "1 failed, 1 passed" in ran.stdout
    assert "test_hanging.py::test_waits_forever hung for 1 s; its tasks ==" in ran.stderr
    assert "await asyncio.Event().wait()" in ran.stderr


def test_a_blocked_event_loop_ends_the_run_with_every_threads_stack(tmp_path: Path) -> None:
    ran = run(tmp_path, "test_blocks_the_loop", "test_after")

    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert "test_hanging.py::test_blocks_the_loop still hung; every thread ==" in ran.stderr
    assert "in test_blocks_the_loop" in ran.stderr
