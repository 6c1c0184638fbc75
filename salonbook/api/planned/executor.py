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
operation runs on the fallback path, which answers exactly as it always has.

Planned mutations (mutation.py) hook in one level lower, where graphql-core executes a
mutation's root fields (`execute_fields_serially`, whose steps for one field it takes as
`execute_field` takes them: arguments, resolution, error handling). A mutation is never run
twice: once its work is done, what the plan cannot render is completed by graphql-core."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from graphql import (
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
)
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.pyutils import Path
from starlette.requests import Request

from salonbook.api.context import RequestContext
from salonbook.api.planned import mutation as mutations
from salonbook.api.planned import plan as plans
from salonbook.api.planned.mutation import MutationPlan, NotRendered
from salonbook.api.planned.plan import Plan
from salonbook.api.subscriptions.shared_results import SharedEventResults

PLANNING = os.environ.get("SALONBOOK_PLANNED_READS", "on") != "off"
"""`SALONBOOK_PLANNED_READS=off` answers every query field by field (the tests compare both)."""
PLANNING_MUTATIONS = os.environ.get("SALONBOOK_PLANNED_MUTATIONS", "on") != "off"
"""`SALONBOOK_PLANNED_MUTATIONS=off` completes every mutation's result through graphql-core."""

CACHED_PLANS = 256
P = TypeVar("P")
Planner = Callable[
    [GraphQLSchema, OperationDefinitionNode, Mapping[str, FragmentDefinitionNode]], P | None
]
_plans: dict[int, tuple[OperationDefinitionNode, Plan | None]] = {}
_mutation_plans: dict[int, tuple[OperationDefinitionNode, MutationPlan | None]] = {}
"""By the operation's id, the operation kept beside its plan so that the id is not reused."""


def _cached(
    executor: PlannedReads,
    cache: dict[int, tuple[OperationDefinitionNode, P | None]],
    planner: Planner[P],
) -> P | None:
    operation = executor.operation
    found = cache.get(id(operation))
    if found is not None:
        return found[1]
    plan = planner(executor.schema, operation, executor.fragment_definitions)
    if len(cache) >= CACHED_PLANS:
        del cache[next(iter(cache))]
    cache[id(operation)] = (operation, plan)
    return plan


class PlannedReads(SharedEventResults):
    _mutation_plan: MutationPlan | None = None

    def execute_operation(self, serially: bool | None = None) -> Any:
        context = self.context_value
        if not (
            isinstance(context, RequestContext)
            and isinstance(context.request, Request)
            and self.root_value is None
        ):
            return super().execute_operation(serially)
        kind = self.operation.operation
        if kind is OperationType.MUTATION and PLANNING_MUTATIONS:
            # executed as always, its one root field by execute_fields_serially below
            self._mutation_plan = _cached(self, _mutation_plans, mutations.plan_of)
            return super().execute_operation(serially)
        plan = _cached(self, _plans, plans.plan_of) if PLANNING else None
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

    def execute_fields_serially(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """A mutation's root fields. A planned one: its arguments coerced as execute_field
        coerces them, the resolver's work done (mutation.py: resolved), its result rendered by
        the plan instead of completed by graphql-core; an error handled as execute_field
        handles it."""
        plan = self._mutation_plan
        details = grouped_field_set.get(plan.key) if plan is not None else None
        if plan is None or details is None or len(grouped_field_set) != 1:
            return super().execute_fields_serially(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self._planned_mutation(
            plan, parent_type, Path(path, plan.key, parent_type.name), details
        )

    async def _planned_mutation(
        self,
        plan: MutationPlan,
        parent_type: GraphQLObjectType,
        path: Path,
        details: list[FieldDetails],
    ) -> dict[str, Any]:
        first = details[0]
        field = parent_type.fields[first.node.name.value]
        try:
            arguments = get_argument_values(
                field,
                first.node,
                self.variable_values,
                first.fragment_variable_values,
                self.hide_suggestions,
            )
            result = await mutations.resolved(self.context_value, arguments)
            try:
                answer: Any = await mutations.rendered(plan, result, self.context_value)
            except NotRendered:
                nodes = [d.node for d in details]
                info = self.build_resolve_info(field, nodes, parent_type, path)
                answer = self.complete_value(field.type, details, info, path, result, None)
                if self.is_awaitable(answer):
                    answer = await answer
        except Exception as error:  # as execute_field: located, null, or raised if non-null
            self.handle_field_error(error, field.type, details, path)
            answer = None
        return {plan.key: answer}
