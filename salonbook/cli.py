"""Command line: serve, migrate, token, expire-pending."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Sequence
from datetime import timedelta

from pydantic import ValidationError

from salonbook.config import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from salonbook.app import create_app
    from salonbook.config import Environment, available_cpus
    from salonbook.serving import serve

    if settings.env is Environment.PRODUCTION and settings.database_url is not None:
        from salonbook.db import serving_role
        from salonbook.db.urls import async_url

        # the app's start refuses the same; here it is said in one line, not a traceback
        try:
            facts = asyncio.run(serving_role.role_facts(async_url(settings.database_url)))
            serving_role.refuse_powerful(facts)
            serving_role.require_head(facts)
        except serving_role.ServingRoleRefused as refused:
            print(f"salonbook serve: {refused}", file=sys.stderr)
            return 2
    asked: int | None = args.workers or settings.workers
    if asked != 1 and not (asked is None and available_cpus() == 1):
        from salonbook.workers import serve_workers

        return serve_workers(settings, host=args.host, port=args.port, asked=asked, demo=args.demo)
    from salonbook.observability.multiprocess import prepare_shared_dir, shared_dir

    if (directory := shared_dir()) is not None:  # one process, metrics kept as several keep them
        prepare_shared_dir(directory)
    app = create_app(settings, demo=args.demo)
    serve(
        app,
        host=args.host,
        port=args.port,
        grace_seconds=settings.shutdown_grace_seconds,
        log_level=settings.log_level,
        max_message_bytes=settings.max_body_bytes,
    )
    return 0


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    """As the owner: SALONBOOK_MIGRATION_DATABASE_URL's role, granting DATABASE_URL's role what
    serving needs; with DATABASE_URL alone, as its role (a one-role development setup)."""
    from salonbook.db import migrate
    from salonbook.db.serving_role import role_facts
    from salonbook.db.urls import async_url, user_of

    owner_url, app_url = settings.migration_database_url, settings.database_url
    if owner_url is not None:
        app_role = None
        if app_url is not None:  # named in the URL, or else the role it connects as
            app_role = user_of(app_url) or asyncio.run(role_facts(async_url(app_url))).role
        asyncio.run(migrate.upgrade(async_url(owner_url), app_role=app_role))
    elif app_url is not None:
        asyncio.run(migrate.upgrade(async_url(app_url)))
    else:
        from salonbook.db.embedded import start_embedded
        from salonbook.db.privileges import APP_ROLE

        embedded = start_embedded(data_dir=settings.data_dir)
        try:
            asyncio.run(migrate.upgrade(embedded.owner_url, app_role=APP_ROLE))
        finally:
            embedded.stop()
    print(f"migrated to {migrate.head_revision()}")
    return 0


def _expire_pending(args: argparse.Namespace, settings: Settings) -> int:
    from salonbook.db.engine import create_engine
    from salonbook.db.urls import async_url
    from salonbook.domain.clock import SystemClock
    from salonbook.use_cases.deps import Deps
    from salonbook.use_cases.expire_pending import expire_pending

    async def run(url: str) -> int:
        engine = create_engine(url, pool_size=1)
        try:
            deps = Deps(engine=engine, clock=SystemClock(), windows=settings.windows)
            return await expire_pending(deps, payment_timeout=settings.payment_timeout)
        finally:
            await engine.dispose()

    if settings.database_url is not None:
        expired = asyncio.run(run(async_url(settings.database_url)))
    else:
        from salonbook.db.embedded import start_embedded

        embedded = start_embedded(data_dir=settings.data_dir)
        try:
            expired = asyncio.run(run(embedded.app_url))
        finally:
            embedded.stop()
    print(f"cancelled {expired} unpaid bookings")
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from salonbook.auth.tokens import mint_token
    from salonbook.domain.roles import Role

    secret = settings.effective_jwt_secret
    if secret is None:
        print("no HS256 secret configured (SALONBOOK_JWT_SECRET)", file=sys.stderr)
        return 2
    print(
        mint_token(
            secret=secret,
            sub=args.sub or uuid.uuid4(),
            role=Role(args.role),
            role_claim=settings.jwt_role_claim,
            name=args.name,
            email=args.email,
            ttl=timedelta(hours=args.hours),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    )
    return 0


def _at_least_one(raw: str) -> int:
    count = int(raw)
    if count < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return count


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="salonbook", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the GraphQL service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--demo", action="store_true", help="load a demo salon and print a token per person"
    )
    serve.add_argument(
        "--workers",
        type=_at_least_one,
        help="server processes (default: SALONBOOK_WORKERS, else one per CPU, as many as the"
        " database's connections allow); 1 serves in this process",
    )
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate)

    expire = commands.add_parser(
        "expire-pending", help="cancel PENDING bookings past the payment timeout, once"
    )
    expire.set_defaults(run=_expire_pending)

    token = commands.add_parser("token", help="mint a development token")
    token.add_argument("--role", required=True, choices=["customer", "stylist", "admin", "system"])
    token.add_argument("--sub", type=uuid.UUID, help="the person's UUID (default: a new one)")
    token.add_argument("--name")
    token.add_argument("--email")
    token.add_argument("--hours", type=float, default=12.0, help="lifetime (default 12)")
    token.set_defaults(run=_token)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as invalid:
        # a configuration mistake is the operator's to fix: say which, not a traceback
        for error in invalid.errors():
            message = error["msg"].removeprefix("Value error, ")
            field = ".".join(str(part) for part in error["loc"])
            print(f"salonbook: {field + ': ' if field else ''}{message}", file=sys.stderr)
        return 2
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
