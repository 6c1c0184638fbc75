"""Helpers of the role cache tests: the app's cache, and waiting for what its listener heard."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.applications import Starlette

from salonbook.auth.role_cache import RoleCache

ME = "{ me { id role displayName } }"


def role_cache(app: Starlette) -> RoleCache:
    found: RoleCache = app.state.runtime.authenticator.roles
    return found


async def until(condition: Callable[[], bool], *, within: float = 2.0) -> None:
    """Wait for the server's state (a client cannot know when a notification arrived)."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 (server state, no event to await)
            await asyncio.sleep(0.002)
