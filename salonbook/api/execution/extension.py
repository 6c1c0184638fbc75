"""The schema's one extension, around every operation: each hook an extension implements costs
a context manager per operation, so preparing, observing and error shaping share one."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

from salonbook.api.execution.documents import prepare
from salonbook.api.execution.top_level_errors import shape_operation, shape_result
from salonbook.observability.operations import observed


class OperationEnvelope(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        prepare(context)  # limits, cached parse and validation
        with observed(context):  # type, name, outcome: of the errors as shaped
            yield
            shape_operation(context)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Each result of a subscription (or of an operation over a websocket)."""
        shape_result(result)
        yield None
