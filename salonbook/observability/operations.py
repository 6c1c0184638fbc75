"""Observing GraphQL operations from the schema's `on_operation` hook (no per-field hooks):
their type, name and outcome go to the observation of the request that carries them, mutation
results to their counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.types import ExecutionContext

from salonbook.domain.errors import SalonbookError
from salonbook.observability.observation import Observation, observation_of, outcome_of_codes

NAME_LIMIT = 100
NO_CODE = "GRAPHQL_VALIDATION_FAILED"
"""Errors without a code: the document or its variables did not parse or validate."""

_results: ContextVar[list[tuple[str, str | None]] | None] = ContextVar(
    "salonbook_mutation_results", default=None
)


def note_mutation_result(typename: str, code: str | None) -> None:
    """Called by every mutation with what it answers: its success type or a typed error."""
    results = _results.get()
    if results is not None:
        results.append((typename, code))


@contextmanager
def observed(context: ExecutionContext) -> Iterator[None]:
    """Around an operation (the schema's one extension): what ends inside it, its errors
    already shaped, is what is observed."""
    observation = observation_of(getattr(getattr(context.context, "request", None), "scope", None))
    if observation is None:
        yield
        return
    results: list[tuple[str, str | None]] = []
    _results.set(results)
    failure: Exception | None = None
    try:
        yield
    except Exception as error:  # answered by strawberry after the hooks (a syntax error...)
        failure = error
        raise
    finally:
        _results.set(None)  # a cancelled subscription ends here too, and is no failure
        _observe(context, observation, results, failure)


def _observe(
    context: ExecutionContext,
    observation: Observation,
    results: list[tuple[str, str | None]],
    failure: Exception | None,
) -> None:
    try:
        operation_type = context.operation_type.value
    except RuntimeError:  # the document did not parse
        operation_type = "unknown"
    name = context.operation_name
    result = context.result
    if result is not None:
        codes: list[str] | None = [_code(error) for error in (result.errors or [])]
    else:
        codes = _failure_codes(failure)
    if results:
        metrics = observation.metrics.mutation_results_of
        for field, (typename, code) in zip(
            _mutation_fields(context, results), results, strict=True
        ):
            metrics(field, code or typename).inc()
            if code is not None and codes is not None:
                codes.append(code)
    observation.operations += 1
    if not observation.websocket:  # an HTTP request: its observer counts it and logs it
        observation.operation_type = operation_type
        observation.operation_name = name[:NAME_LIMIT] if name else None
        observation.codes = codes
        return
    # over a websocket, each operation is counted as it ends
    if operation_type == "subscription":
        observation.subscriptions += 1
    outcome = outcome_of_codes(codes) if codes is not None else "INTERNAL_ERROR"
    observation.metrics.requests_of(operation_type, outcome).inc()


def _failure_codes(failure: Exception | None) -> list[str] | None:
    """None: the transport's answer tells (strawberry turns a missing query into HTTP 400)."""
    if failure is None:
        return []
    if isinstance(failure, GraphQLError):
        return [_code(failure)]
    if isinstance(failure, SalonbookError):
        return [failure.code.value]
    return None


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else NO_CODE


def _mutation_fields(context: ExecutionContext, results: list[tuple[str, str | None]]) -> list[str]:
    """The mutation fields that answered, in the order they ran (serially, each through
    `mutation_result`); a field that failed at the top level answered null and noted nothing."""
    data = context.result.data if context.result else None
    document = context.graphql_document
    fields: list[str] = []
    if document is not None and isinstance(data, dict):
        wanted = context.operation_name
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            if wanted is not None and (definition.name is None or definition.name.value != wanted):
                continue
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode) and not selection.name.value.startswith("__"):
                    key = selection.alias.value if selection.alias else selection.name.value
                    if data.get(key) is not None:
                        fields.append(selection.name.value)
            break
    if len(fields) != len(results):  # e.g. root fields spread from a fragment
        return ["unknown"] * len(results)
    return fields
