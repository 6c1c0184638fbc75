"""The hook of planned reads into execution: graphql-core's executor, subclassed (strawberry's
`execution_context_class`, graphql-core's public `executor_class`; only its public
`execute_operation` is overridden, and only its documented attributes read), answers a query
a plan covers from the plan, and every other operation as before.

Everything around execution stays: the document is parsed and validated (cached) and limited
by the schema's extension, variables are coerced by graphql-core before execute_operation,
the result goes through the same error shaping, observation and HTTP answer. A plan is made
once per document (kept while the document is, in a bounded cache). Over HTTP only: a
websocket's results go out through other paths that expect plain data. When a plan cannot
answer (no caller, a booking not found, an argument the resolver refuses, any error), the
operation runs on the fallback path, which answers exactly as it always has."""

from __future__ import annotations

import os
from typing import Any

from graphql import ExecutionResult, OperationDefinitionNode
from starlette.requests import Request

from salonbook.api.context import RequestContext
from salonbook.api.planned import plan as plans
from salonbook.api.planned.plan import Plan, plan_of
from salonbook.api.subscriptions.shared_results import SharedEventResults

PLANNING = os.environ.get("SALONBOOK_PLANNED_READS", "on") != "off"
"""`SALONBOOK_PLANNED_READS=off` answers every query field by field (the tests compare both)."""

CACHED_PLANS = 256
_plans: dict[int, tuple[OperationDefinitionNode, Plan | None]] = {}
"""By the operation's id, the operation kept beside its plan so that the id is not reused."""


def _plan(executor: PlannedReads) -> Plan | None:
    operation = executor.operation
    found = _plans.get(id(operation))
    if found is not None:
        return found[1]
    plan = plan_of(executor.schema, operation, executor.fragment_definitions)
    if len(_plans) >= CACHED_PLANS:
        del _plans[next(iter(_plans))]
    _plans[id(operation)] = (operation, plan)
    return plan


class PlannedReads(SharedEventResults):
    def execute_operation(self, serially: bool | None = None) -> Any:
        context = self.context_value
        if not (
            PLANNING
            and isinstance(context, RequestContext)
            and isinstance(context.request, Request)
            and self.root_value is None
        ):
            return super().execute_operation(serially)
        plan = _plan(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._planned(plan, context, serially)

    async def _planned(self, plan: Plan, context: RequestContext, serially: bool | None) -> Any:
        try:
            data = await plans.run(plan, self.schema, context, self.variable_values)
        except Exception:  # not the plan's to answer: the fallback answers as it always has
            result = super().execute_operation(serially)
            return await result if self.is_awaitable(result) else result
        return ExecutionResult(data, None)  # what build_response makes, without errors
