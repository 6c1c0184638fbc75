"""A GraphQL result answered over HTTP in the media type negotiated from `Accept`
(salonbook/intake/media_types.py).

`application/json`, as it always was: 200, or the status an outage set (503).
`application/graphql-response+json`: a request error (a document that does not parse or
validate, variables that do not coerce, a failure before execution) has no `data` entry and a
4xx or 5xx status: the status an outage set, 500 for an unexpected failure, else 400. An answer
with `data`, even a null one, is 200: the operation ran."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from salonbook.intake.media_types import CONTENT_TYPES, GRAPHQL_RESPONSE_JSON, JSON, media_type_of

BAD_REQUEST, INTERNAL_ERROR = 400, 500


def is_request_error(result: ExecutionResult) -> bool:
    """No data, and no error with a path: the operation never ran. (A field error has a path,
    even one that nulls the whole `data`.)"""
    errors = result.errors
    return result.data is None and bool(errors) and all(e.path is None for e in errors or ())


def _request_error_status(errors: object, status: int | None) -> int:
    if status is not None and status >= BAD_REQUEST:
        return status
    unexpected = isinstance(errors, list) and any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR"
        for error in errors
    )
    return INTERNAL_ERROR if unexpected else BAD_REQUEST


class NegotiatedResponses:
    """Mixed into the GraphQL view, ahead of strawberry's view class."""

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response: Response = await super().get_sub_response(request)  # type: ignore[misc]
        # the one object strawberry hands create_response along with the answer
        sub_response.media_type = media_type_of(request.scope) or JSON
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed: GraphQLHTTPResponse
        processed = await super().process_result(request, result)  # type: ignore[misc]
        if media_type_of(request.scope) == GRAPHQL_RESPONSE_JSON and is_request_error(result):
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response: Response = super().create_response(  # type: ignore[misc]
            response_data, sub_response
        )
        if sub_response.media_type != GRAPHQL_RESPONSE_JSON:
            return response
        response.headers["content-type"] = CONTENT_TYPES[GRAPHQL_RESPONSE_JSON]
        if isinstance(response_data, dict) and "data" not in response_data:
            errors = response_data.get("errors")
            response.status_code = _request_error_status(errors, sub_response.status_code)
        elif response.status_code >= BAD_REQUEST:
            response.status_code = 200  # an outage met while running: the body says so
        return response
