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


def user_of(url: str) -> str | None:
    """The role a URL names, if it names one (else the driver's default applies)."""
    from sqlalchemy.engine import make_url

    user: str | None = make_url(async_url(url)).username
    return user
