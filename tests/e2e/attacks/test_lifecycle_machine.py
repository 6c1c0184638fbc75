"""The whole booking lifecycle through the API, driven by Hypothesis: the state machine
(lifecycle_machine.py) runs in a worker thread against the session's app, database, clock and
live server, and keeps its invariants after every step and at the end of each run."""

from __future__ import annotations

import asyncio

from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from salonbook.domain.clock import SettableClock
from tests.e2e.attacks.budget import budget
from tests.e2e.attacks.lifecycle_machine import Context, Lifecycle
from tests.support.api import Api
from tests.support.factory import Factory


async def test_the_lifecycle_keeps_its_invariants(
    app: Starlette,
    api: Api,
    engine: AsyncEngine,
    clock: SettableClock,
    factory: Factory,
    live: str,
) -> None:
    loop = asyncio.get_running_loop()
    Lifecycle.context = Context(loop, app, api, engine, clock, factory, live)
    await asyncio.to_thread(
        run_state_machine_as_test, Lifecycle, settings=budget(examples=12, steps=40)
    )
