"""Serving with uvicorn, stopping gracefully: on SIGTERM/SIGINT the server stops accepting,
closes websockets with 1001 (going away: uvicorn's own would be 1012), lets in-flight HTTP
requests finish within the grace period, then runs the lifespan's shutdown (which stops an
embedded database). One process serves, or several (salonbook/workers/), each so."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette

from salonbook.observability.logs import logging_config


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, going_away: Callable[[], Awaitable[None]]):
        super().__init__(config)
        self._going_away = going_away

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # no new connections while the websockets are told to go
        await self._going_away()
        await super().shutdown(sockets)


def graceful_server(config: uvicorn.Config) -> GracefulServer:
    """The server of `config`'s app: the app itself, or (in a worker process) a factory that
    builds it there; either way the app is known once uvicorn has loaded it."""

    async def app_going_away() -> None:
        from salonbook.app import going_away

        # loaded_app may be wrapped (uvicorn's proxy-headers middleware, unless turned off)
        app = config.app if isinstance(config.app, Starlette) else config.loaded_app
        assert isinstance(app, Starlette), "serve the app from salonbook.app.create_app"
        await going_away(app)

    return GracefulServer(config, going_away=app_going_away)


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    grace_seconds: float,
    log_level: str = "INFO",
    max_message_bytes: int = 1024 * 1024,
    workers: int = 1,
) -> uvicorn.Config:
    """How salonbook serves, in one process or in each of `workers` (then `app` is a picklable
    factory that builds the app in the worker)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        factory=workers > 1,
        workers=workers,
        log_config=logging_config(log_level),  # JSON lines, uvicorn's too
        log_level=log_level.lower(),
        access_log=False,  # salonbook.requests writes one line per request instead
        timeout_graceful_shutdown=round(grace_seconds),
        # uvicorn's default when `websockets` is installed, named so it stays: of the three,
        # the one that costs least per live message (bench/realtime.py --ws)
        ws="websockets-sansio",
        # uvicorn would believe X-Forwarded-For from loopback and rewrite the client before
        # the app sees it; SALONBOOK_TRUSTED_PROXIES alone decides (auth/client_address.py)
        proxy_headers=False,
        ws_max_size=max_message_bytes,  # the socket is closed with 1009 past it (intake/)
    )


def serve(
    app: Starlette,
    *,
    host: str,
    port: int,
    grace_seconds: float,
    log_level: str = "INFO",
    max_message_bytes: int = 1024 * 1024,
) -> None:
    config = server_config(
        app,
        host=host,
        port=port,
        grace_seconds=grace_seconds,
        log_level=log_level,
        max_message_bytes=max_message_bytes,
    )
    graceful_server(config).run()
