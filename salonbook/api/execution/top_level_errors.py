"""Top-level errors: our own keep their code; everything unexpected is masked and retryable."""

from __future__ import annotations

import logging

import asyncpg  # type: ignore[import-untyped]
from graphql import GraphQLError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.responses import Response
from strawberry.types import ExecutionContext

from salonbook.db.engine import DATABASE_ERRORS, sqlstate
from salonbook.domain.errors import SalonbookError

logger = logging.getLogger("salonbook.errors")

QUERY_CANCELED = "57014"  # statement_timeout
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout, where a wait was not turned into CONCURRENT_UPDATE


_OUTAGES = (
    OSError,
    TimeoutError,
    PoolTimeout,
    InterfaceError,
    OperationalError,
    asyncpg.InterfaceError,  # the driver's connection closed under a statement
    asyncpg.PostgresConnectionError,
)


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, _OUTAGES):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    state = sqlstate(error) if isinstance(error, DATABASE_ERRORS) else None
    return state in (QUERY_CANCELED, LOCK_NOT_AVAILABLE) or (
        state is not None and state.startswith("08")
    )


def shape_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error  # a syntax or validation error: it names the client's mistake
    extensions: dict[str, object]
    if isinstance(original, SalonbookError):
        message, extensions = original.message, {"code": original.code.value}
    elif _unavailable(original):
        kind = type(original)
        logger.warning("service unavailable: %s.%s", kind.__module__, kind.__qualname__)
        message = "The service is temporarily unavailable; try again."
        extensions = {"code": "SERVICE_UNAVAILABLE", "retryable": True}
    else:
        logger.error("unexpected error", exc_info=original)
        message = "Unexpected error; try again."
        extensions = {"code": "INTERNAL_ERROR", "retryable": True}
    return GraphQLError(message=message, nodes=error.nodes, path=error.path, extensions=extensions)


def shape_result(result: object) -> None:
    """Each error of a result (an operation's, or one of a stream's) shaped."""
    errors = getattr(result, "errors", None)
    if result is not None and errors:
        result.errors = [shape_error(e) for e in errors]  # type: ignore[attr-defined]


RETRY_AFTER_SECONDS = "1"


def _unavailable_over_http(execution_context: ExecutionContext) -> None:
    """Over HTTP an answer that met an outage says so in its status too (503, Retry-After), for
    proxies and retrying clients, whether it failed before or during execution."""
    errors = getattr(execution_context.result, "errors", None) or []
    if not any((e.extensions or {}).get("code") == "SERVICE_UNAVAILABLE" for e in errors):
        return
    response = getattr(execution_context.context, "response", None)
    if isinstance(response, Response):
        response.status_code = 503
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS


def shape_operation(execution_context: ExecutionContext) -> None:
    """Once an operation has run: its errors shaped, and an outage's HTTP status set."""
    shape_result(execution_context.result)
    _unavailable_over_http(execution_context)
