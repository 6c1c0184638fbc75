"""Database URLs as users write them, and as SQLAlchemy's asyncpg dialect wants them."""

from __future__ import annotations


def async_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def plain_url(url: str) -> str:
    """The form asyncpg.connect takes."""
    return "postgresql://" + async_url(url)[len("postgresql+asyncpg://") :]
