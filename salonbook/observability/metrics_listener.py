"""SALONBOOK_METRICS_ADDRESS: /metrics on a listener of its own (say a private interface the
scraper reaches and clients do not), opened and closed by the app's lifespan, so it runs under
`salonbook serve` and plain uvicorn alike. It is uvicorn too, in the same event loop. Under
`salonbook serve --workers N` every worker listens on the address (SO_REUSEPORT: the kernel
hands each scrape to one of them), and each answers with the totals of all."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

from salonbook.config import split_address
from salonbook.observability.multiprocess import shared_dir

log = logging.getLogger("salonbook.metrics")
STARTED_WITHIN_SECONDS = 5.0


class _Listener(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the main server owns the process's signals; this one stops with the lifespan


@contextlib.asynccontextmanager
async def metrics_listener(app: ASGIApp, *, address: str) -> AsyncIterator[tuple[str, int]]:
    """Serves `app` on `address` until the block ends; yields the bound (host, port)."""
    host, port = split_address(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listening = socket.create_server(
            (host, port), family=family, reuse_port=shared_dir() is not None
        )
    except OSError as error:
        raise RuntimeError(f"SALONBOOK_METRICS_ADDRESS={address}: {error.strerror}") from None
    config = uvicorn.Config(
        app,
        lifespan="off",
        ws="none",
        proxy_headers=False,
        log_config=None,  # the main server's logging stays as it is
        log_level=None,
    )
    server = _Listener(config)
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        async with asyncio.timeout(STARTED_WITHIN_SECONDS):
            while not server.started:
                if serving.done():
                    serving.result()
                    raise RuntimeError("the metrics listener stopped at start")
                await asyncio.sleep(0.01)
        bound: tuple[str, int] = listening.getsockname()[:2]
        log.info("metrics served on %s:%d/metrics", *bound)
        yield bound
    finally:
        server.should_exit = True
        await asyncio.gather(serving, return_exceptions=True)
        listening.close()
