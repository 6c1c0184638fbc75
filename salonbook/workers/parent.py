"""What the parent of the worker processes does once, before any of them starts: start the
embedded PostgreSQL when DATABASE_URL is unset (and stop it after they have all exited),
migrate (development) or check the database, decide how many workers the database's
connections allow, and load the demo salon and print its tokens."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from salonbook.config import Environment, Settings, available_cpus
from salonbook.db.serving_role import prepare_database
from salonbook.db.urls import async_url, plain_url
from salonbook.workers.budget import ConnectionBudget, server_limit, worker_count


@dataclass(frozen=True, slots=True)
class Prepared:
    worker_settings: Settings
    """The settings each worker serves with: the database's URL (the embedded one's too), and
    no owner's URL (workers never migrate)."""
    workers: int
    release: Callable[[], None]
    """Stops the embedded database, if one was started; call once the workers have exited."""


def prepare_once(settings: Settings, *, asked: int | None, demo: bool) -> Prepared:
    """Raises TooManyConnections (nothing left running) when the workers asked for do not fit."""
    url, owner_url = settings.database_url, settings.migration_database_url
    release: Callable[[], None] = _nothing
    if url is None:
        from salonbook.db.embedded import start_embedded

        data_dir = settings.data_dir / "demo" if demo else settings.data_dir
        embedded = start_embedded(data_dir=data_dir, fresh=demo)
        url, owner_url, release = embedded.app_url, embedded.owner_url, embedded.stop
    try:
        workers = asyncio.run(
            _prepare(settings, url=async_url(url), owner_url=owner_url, asked=asked, demo=demo)
        )
    except BaseException:
        release()
        raise
    worker_settings = settings.model_copy(
        update={"database_url": url, "migration_database_url": None}
    )
    return Prepared(worker_settings=worker_settings, workers=workers, release=release)


def _nothing() -> None:
    pass


async def _prepare(
    settings: Settings, *, url: str, owner_url: str | None, asked: int | None, demo: bool
) -> int:
    await prepare_database(
        url=url,
        owner_url=async_url(owner_url) if owner_url else None,
        production=settings.env is Environment.PRODUCTION,
    )
    workers = worker_count(
        asked=asked,
        cpus=available_cpus(),
        budget=ConnectionBudget.of(settings),
        limit=await server_limit(plain_url(url)),
    )
    if demo:
        await _load_demo(settings, url=url)
    return workers


async def _load_demo(settings: Settings, *, url: str) -> None:
    from salonbook.db.engine import create_engine
    from salonbook.demo import demo_banner, load_demo
    from salonbook.domain.clock import SystemClock

    engine = create_engine(url, pool_size=1)
    try:
        await load_demo(engine, now=SystemClock().now(), windows=settings.windows)
    finally:
        await engine.dispose()
    print(demo_banner(settings), flush=True)
