"""Planned mutations: transitionBooking whose selection is of a known shape (`__typename`, the
success's booking and status change, the error types' fields: what the dashboard and the bench
send) is answered without graphql-core's completion and strawberry's per-field resolvers.

The resolver's work is done as the resolver does it (`transitioned`, which the resolver calls):
the same input, built as strawberry builds it, the same use case, typed errors, metrics and
logs; strawberry's per-field machinery around the resolver is skipped. What it returns is
rendered here, from the objects it made: the booking's own fields from the row the use case
read in its transaction (render.py, as planned reads do), its status change from the audit
row, an error from its fields. Nested objects of the booking (customer, stylist, service,
history, notes) come from one statement built by PostgreSQL (sql.py), which takes the place of
the loaders' statements; when it cannot answer (the booking gone meanwhile), or the result is
of a type the plan did not select, graphql-core completes the same result as it always has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
)
from strawberry.types.base import get_object_definition

from salonbook.api.bookings.mutations.transition_booking import (
    TransitionBookingInput,
    TransitionBookingSuccess,
    transitioned,
)
from salonbook.api.bookings.types import BookingType
from salonbook.api.context import RequestContext
from salonbook.api.execution.input_conversion import built
from salonbook.api.planned import plan as plans
from salonbook.api.planned import render, sql
from salonbook.api.planned.selection import (
    TYPENAME,
    NotCovered,
    Selected,
    collect,
    selected_by_type,
)
from salonbook.db.history import StatusChangeRecord
from salonbook.domain.model import Actor, sees_client_details

ROOT = "transitionBooking"
RESULT = "TransitionBookingResult"
SUCCESS = "TransitionBookingSuccess"

ERROR_FIELDS: Mapping[str, Callable[[Any], object]] = {
    "code": lambda error: error.code.name,
    "message": lambda error: error.message,
    "field": lambda error: error.field,
    "currentVersion": lambda error: error.current_version,
}
"""Every field of the error types (api/errors.py), as strawberry serializes them."""

Change = Callable[[StatusChangeRecord, Actor], object]
CHANGE: Mapping[str, Change] = {
    "id": lambda change, _: str(change.id),
    "fromStatus": lambda change, _: change.from_status.name,
    "toStatus": lambda change, _: change.to_status.name,
    "action": lambda change, _: change.action.name,
    "actorId": lambda change, _: str(change.actor_id),
    "actorRole": lambda change, _: change.actor_role.name,
    "reason": lambda change, _: change.reason,
    "ipAddress": lambda c, viewer: c.ip_address if sees_client_details(viewer) else None,
    "userAgent": lambda c, viewer: c.user_agent if sees_client_details(viewer) else None,
    "createdAt": lambda change, _: change.created_at.isoformat(),
}
"""BookingStatusChange (api/bookings/changes.py), from its audit row."""
assert set(CHANGE) == set(sql.COLUMNS["BookingStatusChange"]), "the same fields as in SQL"

COVERED: Mapping[str, frozenset[str]] = {
    **{name: fields for name, fields in plans.COVERED.items() if name != "Query"},
    SUCCESS: frozenset({"booking", "statusChange"}),
    "BookingStatusChange": frozenset(CHANGE),
}


@dataclass(frozen=True, slots=True)
class MutationPlan:
    key: str
    """The root field's response key."""
    by_type: Mapping[str, tuple[Selected, ...]]
    """The fields selected on each type the result may have."""


def plan_of(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> MutationPlan | None:
    """The plan of a mutation of transitionBooking alone whose selection a plan answers; None
    for any other operation."""
    if operation.operation is not OperationType.MUTATION or operation.directives:
        return None
    grouped: dict[str, list[FieldNode]] = {}
    try:
        collect("Mutation", operation.selection_set.selections, fragments, grouped)
        if len(grouped) != 1:
            return None
        ((key, nodes),) = grouped.items()
        if nodes[0].name.value != ROOT:
            return None
        sets = [node.selection_set for node in nodes if node.selection_set is not None]
        result_type = schema.type_map[RESULT]
        assert isinstance(result_type, GraphQLUnionType)
        errors = frozenset(ERROR_FIELDS)  # the union's other types: api/errors.py
        covered = {**{t.name: errors for t in schema.get_possible_types(result_type)}, **COVERED}
        return MutationPlan(key, selected_by_type(schema, RESULT, sets, fragments, covered))
    except NotCovered:
        return None


async def resolved(context: RequestContext, arguments: Mapping[str, Any]) -> object:
    """What the resolver returns (api/bookings/mutations/transition_booking.py), without
    strawberry's per-field machinery around it: the input built from graphql-core's coerced
    value as strawberry builds it, the same work called with the same context."""
    return await transitioned(context, built(TransitionBookingInput, arguments["input"]))


class NotRendered(Exception):
    """What the plan does not render: graphql-core completes it."""


async def rendered(
    plan: MutationPlan, result: object, context: RequestContext
) -> dict[str, object]:
    """The resolver's result as graphql-core would complete it; NotRendered if not here."""
    definition = get_object_definition(type(result))
    name = definition.name if definition is not None else None
    fields = plan.by_type.get(name) if name is not None else None
    if fields is None:
        raise NotRendered(type(result).__name__)
    if not isinstance(result, TransitionBookingSuccess):
        return {s.key: name if s.name == TYPENAME else ERROR_FIELDS[s.name](result) for s in fields}
    answer: dict[str, object] = {}
    for s in fields:
        if s.name == TYPENAME:
            answer[s.key] = SUCCESS
        elif s.name == "booking":
            answer[s.key] = await _booking(result.booking, s.children, context)
        else:
            answer[s.key] = _change(result.status_change.record, result.status_change.viewer, s)
    return answer


def _change(change: StatusChangeRecord, viewer: Actor, s: Selected) -> dict[str, object]:
    return {
        c.key: "BookingStatusChange" if c.name == TYPENAME else CHANGE[c.name](change, viewer)
        for c in s.children
    }


async def _booking(
    booking: BookingType, fields: tuple[Selected, ...], context: RequestContext
) -> dict[str, object]:
    viewer, record = booking.viewer, booking.record
    nested = None
    if any(s.name in sql.IN_SQL for s in fields):
        statement = sql.statement(fields, plans.rules(viewer), ("id",), page=False)
        found = await plans.records(context, statement, viewer, {"id": record.id})
        if not found:
            raise NotRendered("the booking is gone")
        nested = found[0]
    deps = context.deps
    viewing = render.Viewing(viewer, deps.clock.now(), deps.windows)
    return render.render("Booking", render.Row(record, nested), fields, viewing)
