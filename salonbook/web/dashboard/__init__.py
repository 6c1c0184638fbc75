"""The reference dashboard at /dashboard: a single-page app built from web/dashboard/ (by its
build.sh) into static/, served as it is in every environment: it is only files and holds no
secret. With --demo, /dashboard/demo-people.json lists the demo people with a token each."""

from __future__ import annotations

import os
import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from salonbook.config import Settings
from salonbook.web.dashboard.demo_people import demo_people_endpoint

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_URL = "/dashboard/static"
"""Where the assets are served; index.html names them under it."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# esbuild names a bundle after its content (app-<8 base32 characters>.js): it never changes
CONTENT_HASHED = re.compile(r"-[A-Z0-9]{8}\.(js|css)$")
FOREVER = "public, max-age=31536000, immutable"


def dashboard_page() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


async def page(request: Request) -> Response:
    return HTMLResponse(dashboard_page(), headers=SECURITY_HEADERS | {"Cache-Control": "no-cache"})


class Assets(StaticFiles):
    """The built files: content-hashed names cached for good, the others revalidated."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        hashed = CONTENT_HASHED.search(Path(full_path).name) is not None
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = FOREVER if hashed else "no-cache"
        return response


def dashboard_routes(settings: Settings, *, demo: bool) -> list[BaseRoute]:
    """The page, the demo people (with --demo only) and the assets; the JSON route comes
    before the Mount."""
    return [
        Route("/dashboard", page, methods=["GET", "HEAD"]),
        Route("/dashboard/", page, methods=["GET", "HEAD"]),
        *([Route("/dashboard/demo-people.json", demo_people_endpoint(settings))] if demo else []),
        Mount(STATIC_URL, app=Assets(directory=STATIC), name="dashboard-static"),
    ]
