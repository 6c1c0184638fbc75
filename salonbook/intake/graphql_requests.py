"""What a GraphQL request must look like before strawberry runs it, and the typed 400 every
malformed one gets (strawberry's own answers are plain text, or a 500 for a JSON body that is
not an object, or a raw Python message for a non-string operation name), in the media type the
client accepts: 406 when it accepts none, 405 for a mutation over GET."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.responses import JSONResponse
from starlette.types import Scope
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from salonbook.intake.media_types import CONTENT_TYPES
from salonbook.intake.refusals import refusal
from salonbook.observability.observation import outcome_of_status


def refused(scope: Scope, error: HTTPException) -> JSONResponse:
    """A request strawberry refused before running it, as a GraphQL error with a code
    (`BAD_REQUEST` for a 400): the same code the request is logged and counted with."""
    status, headers = error.status_code, None
    cause = error.__cause__
    if (
        isinstance(cause, InvalidOperationTypeError)
        and cause.operation_type is OperationType.MUTATION
        and scope.get("method") == "GET"
    ):  # GraphQL over HTTP: 405, where strawberry answers 400
        status, headers = 405, {"Allow": "POST"}
    elif status == 405:  # a method other than GET and POST (HEAD)
        headers = {"Allow": "GET, POST"}
    code = outcome_of_status(status)
    return refusal(scope, status=status, code=code, message=error.reason, headers=headers)


def not_acceptable(scope: Scope) -> JSONResponse:
    """The client accepts no media type a GraphQL answer is sent in."""
    message = f"Accept one of: {', '.join(CONTENT_TYPES)}."
    return refusal(scope, status=406, code=outcome_of_status(406), message=message)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise json.JSONDecodeError("an object names a key twice", "", 0)
    return found


class StrictRequests:
    """Mixed into the GraphQL view, ahead of strawberry's view class."""

    def decode_json(self, data: str | bytes) -> object:
        decoded = orjson.loads(data)  # its JSONDecodeError is json's: a 400 like strawberry's
        if isinstance(decoded, dict) and decoded.get("type") == "connection_init":
            # the websocket's credentials: a key named twice would be read as its last value
            # by one parser and its first by another, so the socket is refused (4400)
            json.loads(data, object_pairs_hook=_unique_keys)
        return decoded

    def parse_json(self, data: str | bytes) -> Any:
        try:
            decoded = self.decode_json(data)
        except json.JSONDecodeError:
            raise HTTPException(
                400, "The request's JSON does not parse, or is not UTF-8."
            ) from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The request's JSON must be an object.")
        return decoded

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed: GraphQLRequestData | list[GraphQLRequestData]
        parsed = await super().parse_http_body(request)  # type: ignore[misc]
        if isinstance(parsed, GraphQLRequestData) and not isinstance(
            parsed.operation_name, str | None
        ):
            raise HTTPException(
                400, "The GraphQL operation's `operationName` must be a string or null."
            )
        return parsed
