"""Running Alembic migrations from the application and the CLI."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, *, app_role: str | None = None) -> Config:
    """`url` connects as the owner; `app_role`, when the app serves as another role, is granted
    what serving needs."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["app_role"] = app_role
    return config


def upgrade_sync(url: str, *, app_role: str | None = None) -> None:
    command.upgrade(alembic_config(url, app_role=app_role), "head")


async def upgrade(url: str, *, app_role: str | None = None) -> None:
    """Migrate to head as the owner (`url`); Alembic runs its own event loop, so it gets a
    thread."""
    await asyncio.to_thread(upgrade_sync, url, app_role=app_role)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
