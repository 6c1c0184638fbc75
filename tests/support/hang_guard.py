"""A test that hangs fails instead of stalling the suite, and says where it was waiting.

The whole suite runs in one event loop, so a test waiting on something that never comes would
wait until CI gives up on the run. Past `SALONBOOK_TEST_HANG_SECONDS` (default 120; the
slowest test takes a few seconds) every task's stack is written to stderr and the test's own
tasks (coroutines defined in its file) are cancelled, so the test fails with CancelledError and
the suite goes on. If the test has still not ended a quarter of that later (the event loop is
blocked, or the wait is in a fixture), every thread's stack is dumped and the process exits
with status 3."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import os
import sys
import threading
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

HANG_SECONDS = float(os.environ.get("SALONBOOK_TEST_HANG_SECONDS", "120"))
LAST_CHANCE_SECONDS = HANG_SECONDS / 4  # after the cancellation, for the test to end


class Guard:
    loop: asyncio.AbstractEventLoop | None = None
    config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    Guard.config = config


@contextlib.contextmanager
def _uncaptured() -> Iterator[None]:
    """Write past pytest's output capture: a dump must be seen even if the process ends."""
    capture = Guard.config and Guard.config.pluginmanager.getplugin("capturemanager")
    if not capture:
        yield
        return
    with capture.global_and_fixture_disabled():
        yield


@pytest.fixture(scope="session", autouse=True)
async def _hang_guard() -> None:
    """The guard cancels through the session's event loop: remember it."""
    Guard.loop = asyncio.get_running_loop()


def _in_file(task: asyncio.Task[object], path: Path) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    return code is not None and Path(code.co_filename) == path


def _report_and_cancel(nodeid: str, path: Path) -> None:
    with _uncaptured():
        print(f"\n== {nodeid} hung for {HANG_SECONDS:g} s; its tasks ==", file=sys.stderr)
        for task in asyncio.all_tasks():
            task.print_stack(file=sys.stderr)
        sys.stderr.flush()
    for task in asyncio.all_tasks():
        if _in_file(task, path):
            task.cancel(f"{nodeid} hung")


def _fire(nodeid: str, path: Path, finished: threading.Event) -> None:
    loop = Guard.loop
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(_report_and_cancel, nodeid, path)
    if finished.wait(LAST_CHANCE_SECONDS):
        return
    with _uncaptured():
        print(f"\n== {nodeid} still hung; every thread ==", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        os._exit(3)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    finished = threading.Event()
    timer = threading.Timer(HANG_SECONDS, _fire, (item.nodeid, item.path, finished))
    timer.daemon = True
    timer.start()
    try:
        return (yield)
    finally:
        finished.set()
        timer.cancel()
