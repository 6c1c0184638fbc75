"""The GraphQL endpoint: checks the media type the client accepts and the bearer token before
strawberry runs, builds the context."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import TYPE_CHECKING

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from salonbook.api.context import RequestContext
from salonbook.api.execution.top_level_errors import RETRY_AFTER_SECONDS, shape_error
from salonbook.api.http_responses import NegotiatedResponses
from salonbook.api.subscriptions.closing import close_after
from salonbook.api.subscriptions.connection import connection_caller
from salonbook.api.subscriptions.transport import LiveTransportWS
from salonbook.auth.principal import Authenticator
from salonbook.auth.tokens import InvalidToken
from salonbook.intake.graphql_requests import StrictRequests, not_acceptable, refused
from salonbook.intake.media_types import JSON, content_type_of, media_type_of
from salonbook.intake.refusals import refusal
from salonbook.realtime.delivery import StreamParts
from salonbook.use_cases.deps import Caller, Deps
from salonbook.web.graphiql import graphiql_page

if TYPE_CHECKING:
    from salonbook.webhooks import PaymentWebhook


def unauthenticated(scope: Scope, reason: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"}
    return refusal(scope, status=401, code="UNAUTHENTICATED", message=reason, headers=headers)


def unexpected(error: Exception, media_type: str = JSON) -> JSONResponse:
    """A failure before the operation ran, shaped like any other top-level error."""
    shaped = shape_error(GraphQLError(str(error), original_error=error))
    extensions = shaped.extensions or {}
    body = {"errors": [{"message": shaped.message, "extensions": extensions}]}
    if extensions.get("code") == "SERVICE_UNAVAILABLE":
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        return JSONResponse(body, status_code=503, headers=headers, media_type=media_type)
    return JSONResponse(body, status_code=500, media_type=media_type)


GOING_AWAY = 1001
CLOSE_TIMEOUT_SECONDS = 5.0


class Runtime:
    """The parts the lifespan opens; the endpoint exists before they do."""

    deps: Deps
    authenticator: Authenticator
    stream: StreamParts | None = None
    webhook: PaymentWebhook

    def __init__(self) -> None:
        self.websockets: set[WebSocket] = set()
        self.shutting_down = False

    async def going_away(self) -> None:
        """The server is stopping: say so to readiness probes, and close every websocket
        with 1001 (going away) so clients reconnect elsewhere and resume from their cursor."""
        self.shutting_down = True
        if self.websockets:
            await asyncio.wait(
                [asyncio.ensure_future(_close(ws)) for ws in list(self.websockets)],
                timeout=CLOSE_TIMEOUT_SECONDS,
            )


async def _close(websocket: WebSocket) -> None:
    with contextlib.suppress(RuntimeError, OSError):
        await websocket.close(code=GOING_AWAY, reason="server shutting down")


class SalonbookGraphQL(StrictRequests, NegotiatedResponses, GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = LiveTransportWS

    def __init__(self, schema: BaseSchema, *, runtime: Runtime, graphiql: bool) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            # the legacy subscriptions-transport-ws protocol is not offered
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=10),
        )
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            if self.should_render_graphql_ide(self.request_adapter_class(request)):
                await (await self.graphiql(request))(scope, receive, send)
                return
            if media_type_of(scope) is None:
                await not_acceptable(scope)(scope, receive, send)
                return
            try:
                caller = await self.runtime.authenticator.caller(
                    authorization=request.headers.get("authorization"),
                    ip_address=self.runtime.authenticator.address_of(request),
                    user_agent=request.headers.get("user-agent"),
                )
            except InvalidToken as error:
                await unauthenticated(scope, str(error))(scope, receive, send)
                return
            except Exception as error:  # e.g. the database is down while provisioning
                await unexpected(error, content_type_of(scope))(scope, receive, send)
                return
            scope.setdefault("state", {})["caller"] = caller
            try:
                response = await self.run(request)
            except HTTPException as error:  # strawberry's plain-text refusals, typed
                response = refused(scope, error)
            await response(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)
        except Exception as error:  # around the handler (accept, context): never an ASGI trace
            await close_after(error, send)
        finally:
            state = scope.get("state", {})
            expiry = state.get("token_expiry")
            if expiry is not None:
                expiry.cancel()
            self.runtime.websockets.discard(state.get("websocket"))

    async def graphiql(self, request: Request) -> Response:
        """GraphiQL's page, which needs no caller: served before the token is read. Turned
        off, the 404 strawberry answers when it has no IDE."""
        if self.graphql_ide:
            return await self.render_graphql_ide(request)
        return refused(request.scope, HTTPException(404, "Not Found"))

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Our page, from the shipped assets, instead of strawberry's (which loads a CDN's)."""
        return HTMLResponse(graphiql_page())

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        caller: Caller = getattr(request.state, "caller", Caller(actor=None))
        if isinstance(request, WebSocket):  # once per connection, once it is accepted
            request.scope.setdefault("state", {})["websocket"] = request
            self.runtime.websockets.add(request)
        return RequestContext(
            deps=self.runtime.deps,
            caller=caller,
            request=request,
            response=response,
            stream=self.runtime.stream,
        )

    async def on_ws_connect(self, context: RequestContext) -> None:
        """Authenticate a websocket from its connection_init payload."""
        websocket: WebSocket = context.request
        authenticator = self.runtime.authenticator
        params = context.connection_params
        stream = self.runtime.stream
        admission = stream.admission if stream is not None else None
        context.caller = await connection_caller(
            authenticator, websocket, params, admission=admission
        )

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()
