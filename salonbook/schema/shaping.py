"""Top-level errors: our own keep their code; everything unexpected is masked and retryable."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

from salonbook.domain.errors import SalonbookError

logger = logging.getLogger("salonbook.errors")

QUERY_CANCELED = "57014"  # statement_timeout


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, (OSError, TimeoutError, PoolTimeout, InterfaceError, OperationalError)):
        return True
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None)
        return (
            error.connection_invalidated
            or state == QUERY_CANCELED
            or (isinstance(state, str) and state.startswith("08"))
        )
    return "asyncpg" in type(error).__module__ and "Connection" in type(error).__name__


def shape_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error  # a syntax or validation error: it names the client's mistake
    extensions: dict[str, object]
    if isinstance(original, SalonbookError):
        message, extensions = original.message, {"code": original.code.value}
    elif _unavailable(original):
        logger.warning("service unavailable: %s", type(original).__name__)
        message = "The service is temporarily unavailable; try again."
        extensions = {"code": "SERVICE_UNAVAILABLE", "retryable": True}
    else:
        logger.error("unexpected error", exc_info=original)
        message = "Unexpected error; try again."
        extensions = {"code": "INTERNAL_ERROR", "retryable": True}
    return GraphQLError(message=message, nodes=error.nodes, path=error.path, extensions=extensions)


def _shape_result(result: object) -> None:
    errors = getattr(result, "errors", None)
    if result is not None and errors:
        result.errors = [shape_error(e) for e in errors]  # type: ignore[attr-defined]


class ErrorShaping(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        _shape_result(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Each result of a subscription (or of an operation over a websocket)."""
        _shape_result(result)
        yield None
