"""The GraphQL route's plain requests go straight to its endpoint; every other request takes
Starlette's router as before."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from salonbook.api.direct_route import DirectRoute


class Endpoint:
    """Answers with how it was reached."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {
            "routed": "router" in scope,
            "route": scope["route"].path,
            "path_params": scope["path_params"],
            "method": scope["method"],
        }
        await JSONResponse(body)(scope, receive, send)


async def other(_: object) -> PlainTextResponse:
    return PlainTextResponse("other")


def _app() -> Starlette:
    graphql = Route("/graphql", Endpoint(), methods=["GET", "POST"])
    return Starlette(
        routes=[graphql, Route("/other", other, methods=["POST"])],
        middleware=[Middleware(DirectRoute, route=graphql)],
    )


async def _send(method: str, path: str, root_path: str = "") -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), root_path=root_path)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, f"{root_path}{path}")


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_get_and_post_of_the_route_reach_its_endpoint_directly(method: str) -> None:
    response = await _send(method, "/graphql")
    assert response.json() == {
        "routed": False, "route": "/graphql", "path_params": {}, "method": method,
    }  # fmt: skip


async def test_head_takes_the_router() -> None:
    response = await _send("HEAD", "/graphql")
    assert response.status_code == 200  # the route allows HEAD with GET; the endpoint answers


async def test_another_method_gets_the_routers_405() -> None:
    response = await _send("PUT", "/graphql")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


async def test_other_paths_and_a_root_path_take_the_router() -> None:
    assert (await _send("POST", "/other")).text == "other"
    routed = await _send("POST", "/graphql", root_path="/api")
    assert routed.json()["routed"] is True
    assert (await _send("POST", "/graphql/", root_path="")).status_code == 307  # the router's
