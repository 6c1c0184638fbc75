"""GraphiQL from the files shipped in this package (static/, rebuilt by web/graphiql/build.sh
from locked npm packages), so the page works without internet access."""

from __future__ import annotations

import os
import re
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_URL = "/graphiql/static"
"""Where the assets are served; index.html names them under it."""

# A file whose name carries its package's version never changes: browsers may keep it.
VERSIONED = re.compile(r"-\d+\.\d+\.\d+\.")
FOREVER = "public, max-age=31536000, immutable"


def graphiql_page() -> str:
    return (HERE / "index.html").read_text(encoding="utf-8")


class Assets(StaticFiles):
    """The shipped files, with a year's caching for the versioned ones."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = VERSIONED.search(Path(full_path).name) is not None
        response.headers["Cache-Control"] = FOREVER if versioned else "no-cache"
        return response


def graphiql_assets() -> Mount:
    return Mount(STATIC_URL, app=Assets(directory=STATIC), name="graphiql-static")
