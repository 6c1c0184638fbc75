"""The Starlette application; its lifespan opens the database (embedded if none is set)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from salonbook.api.direct_route import DirectRoute
from salonbook.api.endpoint import Runtime, SalonbookGraphQL, unexpected
from salonbook.api.schema import schema
from salonbook.auth.principal import Authenticator
from salonbook.auth.role_cache import RoleCache
from salonbook.auth.tokens import TokenVerifier
from salonbook.config import Environment, Settings
from salonbook.db.engine import create_engine
from salonbook.db.serving_role import prepare_database
from salonbook.db.urls import async_url
from salonbook.demo import demo_banner, load_demo
from salonbook.domain.clock import Clock, SystemClock
from salonbook.garbage_collection import freeze_startup_objects
from salonbook.health import readiness
from salonbook.intake.body_limit import BodyLimit
from salonbook.intake.credentials import SingleCredentials
from salonbook.observability.collectors import RuntimeCollector
from salonbook.observability.metrics import Metrics
from salonbook.observability.metrics_listener import metrics_listener
from salonbook.observability.metrics_page import metrics_endpoint
from salonbook.observability.request_log import RequestObserver
from salonbook.realtime.lifespan import realtime
from salonbook.realtime.people_changes import people_changes_heard
from salonbook.use_cases.deps import Deps
from salonbook.use_cases.expire_pending import sweep_forever
from salonbook.web.dashboard import dashboard_routes
from salonbook.web.graphiql import graphiql_assets
from salonbook.webhooks import PaymentWebhook


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    demo: bool = False,
    migrating: bool = True,
    demo_people: bool | None = None,
) -> Starlette:
    """The application. `demo` loads the demo salon (into a throwaway embedded database when
    DATABASE_URL is not set) and prints a development token for each demo person.
    `demo_people` (by default: `demo`) serves /dashboard/demo-people.json: a worker of
    `salonbook serve --demo --workers N` serves it, its parent loaded the salon.
    `migrating=False` (a worker of `salonbook serve --workers N`, whose parent migrated): the
    database's schema is checked, never changed."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    runtime = Runtime()
    metrics = Metrics()
    metrics.registry.register(RuntimeCollector(runtime))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            url, owner_url = settings.database_url, settings.migration_database_url
            if url is None:
                from salonbook.db.embedded import start_embedded

                data_dir = settings.data_dir / "demo" if demo else settings.data_dir
                embedded = start_embedded(data_dir=data_dir, fresh=demo)
                stack.callback(embedded.stop)
                url, owner_url = embedded.app_url, embedded.owner_url
            url = async_url(url)
            await prepare_database(
                url=url,
                owner_url=async_url(owner_url) if owner_url else None,
                production=settings.env is Environment.PRODUCTION,
                migrating=migrating,
            )
            engine = create_engine(
                url,
                pool_size=settings.db_pool_size,
                statement_timeout_ms=settings.statement_timeout_ms,
                connect_timeout=settings.db_connect_timeout_seconds,
            )
            stack.push_async_callback(engine.dispose)
            roles = RoleCache()
            runtime.deps = Deps(
                engine=engine,
                clock=clock,
                windows=settings.windows,
                idempotency_ttl=settings.idempotency_ttl,
                forget_role=roles.forget,
            )
            runtime.authenticator = Authenticator(
                verifier=TokenVerifier.from_settings(settings),
                engine=engine,
                clock=clock,
                trusted_proxies=settings.trusted_proxies,
                roles=roles,
            )
            runtime.stream = await stack.enter_async_context(
                realtime(
                    settings,
                    url=url,
                    engine=engine,
                    clock=clock,
                    deps=runtime.deps,
                    sent=metrics.delivery_lag.observe,
                )
            )
            await stack.enter_async_context(
                people_changes_heard(runtime.stream.listener, url=url, watcher=roles)
            )
            runtime.webhook = PaymentWebhook(
                secret=settings.effective_webhook_secret,
                deps=runtime.deps,
                clock=clock,
                authenticator=runtime.authenticator,
            )
            if settings.sweep_seconds > 0:
                sweeper = asyncio.create_task(
                    sweep_forever(
                        runtime.deps,
                        payment_timeout=settings.payment_timeout,
                        every=settings.sweep_seconds,
                    )
                )
                stack.push_async_callback(_cancel, sweeper)
            if settings.metrics_address is not None:
                await stack.enter_async_context(
                    metrics_listener(
                        Starlette(routes=[metrics_route]), address=settings.metrics_address
                    )
                )
            await stack.enter_async_context(metrics.shared_while_serving())
            app.state.runtime = runtime
            if demo:
                await load_demo(engine, now=clock.now(), windows=settings.windows)
                print(demo_banner(settings), flush=True)
            freeze_startup_objects()
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        stream = runtime.stream
        listener = stream.listener if stream else None
        found = await readiness(  # on the tailer's own pool: never queued behind a dry one
            stream.reserved if stream and stream.reserved else runtime.deps.engine,
            listener_connected=listener is not None and listener.connected.is_set(),
            shutting_down=runtime.shutting_down,
        )
        return JSONResponse(found.as_json(), status_code=200 if found.ready else 503)

    async def payments(request: Request) -> Response:
        try:
            return await runtime.webhook(request)
        except Exception as error:
            return unexpected(error)

    graphql = SalonbookGraphQL(schema, runtime=runtime, graphiql=settings.graphiql_served)
    metrics_route = Route("/metrics", metrics_endpoint(metrics, token=settings.metrics_token))
    graphql_route = Route("/graphql", graphql, methods=["GET", "POST"])
    return Starlette(
        routes=[  # matched in order: the busiest first
            graphql_route,
            WebSocketRoute("/graphql", graphql),
            Route("/webhooks/payments", payments, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # with a metrics address of its own, /metrics is served there only
            *([metrics_route] if settings.metrics_address is None else []),
            *([graphiql_assets()] if settings.graphiql_served else []),
            *dashboard_routes(settings, demo=demo if demo_people is None else demo_people),
        ],
        lifespan=lifespan,
        middleware=[  # outermost first: a refused request is still counted and logged
            Middleware(RequestObserver, metrics=metrics),
            Middleware(SingleCredentials),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
            Middleware(DirectRoute, route=graphql_route),  # innermost: see its docstring
        ],
    )


async def going_away(app: Starlette) -> None:
    """Called by the server when it stops accepting connections, before it waits for them."""
    runtime: Runtime | None = getattr(app.state, "runtime", None)
    if runtime is not None:
        await runtime.going_away()
