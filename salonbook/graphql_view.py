"""The GraphQL endpoint: checks the bearer token before strawberry runs, builds the context."""

from __future__ import annotations

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from salonbook.auth.principal import Authenticator
from salonbook.auth.tokens import InvalidToken
from salonbook.resolvers.deps import Caller, Deps
from salonbook.schema.context import RequestContext
from salonbook.schema.shaping import shape_error


def unauthenticated(reason: str) -> JSONResponse:
    body = {"errors": [{"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def unexpected(error: Exception) -> JSONResponse:
    """A failure before the operation ran, shaped like any other top-level error."""
    shaped = shape_error(GraphQLError(str(error), original_error=error))
    extensions = shaped.extensions or {}
    body = {"errors": [{"message": shaped.message, "extensions": extensions}]}
    status = 503 if extensions.get("code") == "SERVICE_UNAVAILABLE" else 500
    return JSONResponse(body, status_code=status)


class Runtime:
    """The parts the lifespan opens; the endpoint exists before they do."""

    deps: Deps
    authenticator: Authenticator


class SalonbookGraphQL(GraphQL[RequestContext, None]):
    def __init__(self, schema: BaseSchema, *, runtime: Runtime) -> None:
        super().__init__(schema, graphql_ide="graphiql")
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

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        caller: Caller = getattr(request.state, "caller", Caller(actor=None))
        return RequestContext(
            deps=self.runtime.deps, caller=caller, request=request, response=response
        )

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()
