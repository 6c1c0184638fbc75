"""The GraphQL endpoint: checks the bearer token before strawberry runs, builds the context."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from salonbook.auth.principal import Authenticator
from salonbook.auth.tokens import InvalidToken
from salonbook.resolvers.deps import Caller, Deps
from salonbook.schema.context import RequestContext
from salonbook.schema.live_events import LiveTransportWS
from salonbook.schema.shaping import RETRY_AFTER_SECONDS, shape_error
from salonbook.subscriptions.delivery import StreamParts

if TYPE_CHECKING:
    from salonbook.webhooks import PaymentWebhook


def unauthenticated(reason: str) -> JSONResponse:
    body = {"errors": [{"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def peer_address(websocket: WebSocket, authenticator: Authenticator) -> str | None:
    return authenticator.client_address(
        peer=websocket.client.host if websocket.client else None,
        forwarded_for=",".join(websocket.headers.getlist("x-forwarded-for")) or None,
    )


async def _close_at_expiry(websocket: WebSocket, delay: float) -> None:
    await asyncio.sleep(max(0.0, delay))
    with contextlib.suppress(RuntimeError, OSError):
        await websocket.close(code=4403, reason="token expired")


def unexpected(error: Exception) -> JSONResponse:
    """A failure before the operation ran, shaped like any other top-level error."""
    shaped = shape_error(GraphQLError(str(error), original_error=error))
    extensions = shaped.extensions or {}
    body = {"errors": [{"message": shaped.message, "extensions": extensions}]}
    if extensions.get("code") == "SERVICE_UNAVAILABLE":
        return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return JSONResponse(body, status_code=500)


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


class SalonbookGraphQL(GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = LiveTransportWS

    def __init__(self, schema: BaseSchema, *, runtime: Runtime) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
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
            try:
                caller = await self.runtime.authenticator.caller(
                    authorization=request.headers.get("authorization"),
                    peer=request.client.host if request.client else None,
                    forwarded_for=",".join(request.headers.getlist("x-forwarded-for")) or None,
                    user_agent=request.headers.get("user-agent"),
                )
            except InvalidToken as error:
                await unauthenticated(str(error))(scope, receive, send)
                return
            except Exception as error:  # e.g. the database is down while provisioning
                await unexpected(error)(scope, receive, send)
                return
            scope.setdefault("state", {})["caller"] = caller
            await super().__call__(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)
        finally:
            state = scope.get("state", {})
            expiry = state.get("token_expiry")
            if expiry is not None:
                expiry.cancel()
            self.runtime.websockets.discard(state.get("websocket"))

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
        """Authenticate a websocket from its connection_init payload; a bad token closes it
        with 4403, and so does the token's expiry later on."""
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        websocket: WebSocket = context.request
        authenticator = self.runtime.authenticator
        try:
            if authorization is not None and not isinstance(authorization, str):
                raise InvalidToken("expected Authorization: Bearer <token>")
            claims = authenticator.claims(authorization)
        except InvalidToken:
            raise ConnectionRejectionError from None
        context.caller = Caller(
            actor=await authenticator.actor(claims),
            ip_address=peer_address(websocket, authenticator),
            user_agent=websocket.headers.get("user-agent"),
        )
        websocket.scope.setdefault("state", {})["caller"] = context.caller  # for the log line
        if claims is not None:
            delay = (claims.expires_at - datetime.now(UTC)).total_seconds()
            websocket.scope.setdefault("state", {})["token_expiry"] = asyncio.create_task(
                _close_at_expiry(websocket, delay)
            )

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # its JSONDecodeError is json's: a 400 like strawberry's

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()
