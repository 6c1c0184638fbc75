"""The app as `salonbook serve --demo` makes it, on a database of its own (the demo salon's
fixed people stay out of the session database), with the real clock: the demo's bookings are
around now, as a newcomer sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.db import migrate
from salonbook.db.privileges import APP_ROLE, OWNER_ROLE, ensure_roles
from salonbook.db.urls import async_url
from tests.support.databases import as_role, own_database, with_database


@asynccontextmanager
async def demo_app(server_url: str) -> AsyncIterator[Starlette]:
    """The demo app with its lifespan running (the demo salon loaded)."""
    async with own_database(server_url, prefix="salonbook_demo") as name:
        await ensure_roles(server_url, database=name)
        owner_url = async_url(with_database(as_role(server_url, OWNER_ROLE), name))
        await migrate.upgrade(owner_url, app_role=APP_ROLE)
        settings = Settings(  # type: ignore[call-arg]
            DATABASE_URL=async_url(with_database(as_role(server_url, APP_ROLE), name)),
            SALONBOOK_MIGRATION_DATABASE_URL=owner_url,
            SALONBOOK_SWEEP_SECONDS=0,
        )
        app = create_app(settings, demo=True)
        async with app.router.lifespan_context(app):
            yield app
