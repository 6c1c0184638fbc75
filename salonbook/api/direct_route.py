"""The busiest route handed its requests directly, innermost in the middleware stack.

Starlette sends every request through its ExceptionMiddleware and its Router (which tries the
routes in order, builds the matched route's scope and calls it): a few frames more on every
request, and in every resumption of it after each database round trip. The GraphQL endpoint
is an ASGI app that answers every failure itself (a Starlette HTTPException is never raised
there), so for its plain requests (GET and POST, no root path to strip) those layers do
nothing. Everything else, the websocket included, takes the usual way; the outer middleware
(server errors, request observer, credentials, body limit) is the same for both."""

from __future__ import annotations

from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

DIRECT_METHODS = frozenset({"GET", "POST"})


class DirectRoute:
    def __init__(self, app: ASGIApp, *, route: Route) -> None:
        self.app = app
        self.route = route
        self.path = route.path
        self.endpoint: ASGIApp = route.app
        self.methods = DIRECT_METHODS & (route.methods or DIRECT_METHODS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == self.path
            and scope["method"] in self.methods
            and not scope.get("root_path")
        ):
            # what the router would have set for the route it matched
            scope["route"] = self.route
            scope["endpoint"] = self.route.endpoint
            scope["path_params"] = {}
            await self.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)
