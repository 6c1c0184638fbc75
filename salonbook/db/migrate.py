"""Running Alembic migrations from the application and the CLI."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_sync(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


async def upgrade(url: str) -> None:
    """Migrate to head; Alembic runs its own event loop, so it gets a thread."""
    await asyncio.to_thread(upgrade_sync, url)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
