"""A plan: the `bookings` and `booking(id)` fields of a query, each answered by one statement
(sql.py) and assembled in Python (render.py) instead of field by field by graphql-core; and
`availability`, answered by its use case and assembled the same way (a week's answer holds
hundreds of slots, which field by field cost more than computing them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableValues,
    get_argument_values,
)

from salonbook.api.bookings.connection import decode_cursor
from salonbook.api.bookings.filter import BookingFilter, page_query
from salonbook.api.bookings.queries import events_cursor_now
from salonbook.api.context import RequestContext
from salonbook.api.planned import render, sql
from salonbook.api.planned.selection import TYPENAME, NotCovered, Selected, selected
from salonbook.db.bookings import booking_from_row
from salonbook.db.engine import driver_of, reading
from salonbook.db.pages import BookingQuery, Position
from salonbook.domain.contacts import contact_grants
from salonbook.domain.model import Actor, sees_client_details
from salonbook.use_cases import availability
from salonbook.use_cases.queries import PAGE_LIMIT

COVERED: Mapping[str, frozenset[str]] = {
    "Query": frozenset({"bookings", "booking", "availability"}),
    **{name: frozenset(fields) for name, fields in render.FIELDS.items()},
    **{name: frozenset(columns) for name, columns in sql.COLUMNS.items()},
    "StylistNote": frozenset(render.FIELDS["StylistNote"]),  # bodyHtml too: rendered in Python
}
"""What a plan answers: these fields of these types (`__typename` too, anywhere). A
statement's per-key and a viewer's per-grant parts are bounded, so Root.statements is too."""


class NotAnswered(Exception):
    """A root field the plan leaves to the fallback path (say, a booking not found: the
    resolver's error is the answer)."""


class Root:
    """A root field of the plan, with the statements made for it so far."""

    def __init__(self, field: Selected, node: tuple[Selected, ...]) -> None:
        self.field = field
        self.node = node
        """The booking's fields: the node's (of all edges and nodes), or booking(id)'s."""
        self.statements: dict[tuple[sql.Rules, tuple[str, ...]], sql.Statement] = {}

    def statement(self, rules: sql.Rules, conditions: tuple[str, ...]) -> sql.Statement:
        key = (rules, conditions)
        found = self.statements.get(key)
        if found is None:
            page = self.field.name == "bookings"
            found = self.statements[key] = sql.statement(self.node, rules, conditions, page=page)
        return found


@dataclass(frozen=True, slots=True)
class Plan:
    roots: tuple[Root, ...]


def plan_of(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Plan | None:
    """The plan of a query whose every field a plan answers; None for any other operation."""
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    try:
        fields = selected(schema, "Query", [operation.selection_set], fragments, COVERED)
        return Plan(tuple(Root(field, _node_of(field)) for field in fields))
    except NotCovered:
        return None


def _node_of(root: Selected) -> tuple[Selected, ...]:
    """The booking's fields a root field selects: booking(id)'s own, or those of every node of
    every edge of a page (aliases may select several). A nested object selected by one key
    in two different ways is not covered: the statement builds one per key."""
    if root.name != "bookings":
        return root.children
    fields: list[Selected] = []
    for edges in (s for s in root.children if s.name == "edges"):
        for node in (s for s in edges.children if s.name == "node"):
            fields.extend(s for s in node.children if s not in fields)
    keys = [s.key for s in fields if s.name in sql.IN_SQL]
    if len(keys) != len(set(keys)):
        raise NotCovered("one key, two different nested selections")
    return tuple(fields)


async def run(
    plan: Plan, schema: GraphQLSchema, context: RequestContext, variables: VariableValues
) -> dict[str, object]:
    """The operation's data; NotAnswered (or the error met) when the fallback must answer."""
    viewer = context.caller.actor
    if viewer is None:
        raise NotAnswered("no caller: the resolvers refuse it")
    query_type = schema.query_type
    assert query_type is not None
    data: dict[str, object] = {}
    for root in plan.roots:
        field = root.field
        if field.name == TYPENAME:
            data[field.key] = "Query"
            continue
        assert field.node is not None
        arguments = get_argument_values(query_type.fields[field.name], field.node, variables)
        answer = _ANSWERS[field.name]
        data[field.key] = await answer(root, arguments, context, viewer)
    return data


def rules(viewer: Actor) -> sql.Rules:
    return sql.Rules(viewer.role, contact_grants(viewer), sees_client_details(viewer))


def _viewing(context: RequestContext, viewer: Actor) -> render.Viewing:
    deps = context.deps
    return render.Viewing(viewer, deps.clock.now(), deps.windows)


async def records(
    context: RequestContext, statement: sql.Statement, viewer: Actor, values: Mapping[str, Any]
) -> list[Any]:
    """The statement's rows, in one round trip."""
    given = {**values, "viewer": viewer.person_id}
    arguments = [given[name] for name in statement.parameters]
    async with reading(context.deps.engine) as connection:
        return list(await driver_of(connection).fetch(statement.text, *arguments))


async def _fetch(
    context: RequestContext, statement: sql.Statement, viewer: Actor, values: Mapping[str, Any]
) -> list[render.Row]:
    found = await records(context, statement, viewer, values)
    return [render.Row(booking_from_row(record), record) for record in found]


async def _page(
    root: Root, arguments: dict[str, Any], context: RequestContext, viewer: Actor
) -> dict[str, object]:
    first = arguments["first"]
    if not 0 <= first <= PAGE_LIMIT:
        raise NotAnswered("first out of range: the resolver's error")
    after_text = arguments.get("after")
    after = decode_cursor(after_text) if after_text is not None else None
    filter_given = arguments.get("filter")
    where = page_query(_filter(filter_given) if filter_given is not None else None)
    conditions, values = _page_values(where, after)
    values["limit"] = first + 1
    wants_cursor = any(s.name == "eventsCursor" for s in root.field.children)
    # taken before the page is read, as the resolver does
    events_cursor = await events_cursor_now(context.stream) if wants_cursor else None
    statement = root.statement(rules(viewer), conditions)
    rows = await _fetch(context, statement, viewer, values)
    page = render.Page(rows[:first], len(rows) > first, after is not None, events_cursor)
    viewing = _viewing(context, viewer)
    return render.render("BookingConnection", page, root.field.children, viewing)


def _filter(given: dict[str, Any]) -> BookingFilter:
    return BookingFilter(
        statuses=given.get("statuses"),
        stylist_id=given.get("stylistId"),
        customer_id=given.get("customerId"),
        starts_after=given.get("startsAfter"),
        starts_before=given.get("startsBefore"),
    )


def _page_values(
    where: BookingQuery, after: Position | None
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The sql.CONDITIONS a page takes, as db/pages.py tests them, and their values."""
    values: dict[str, Any] = {}
    if where.statuses:
        values["statuses"] = [status.value for status in where.statuses]
    if where.stylist_id:
        values["stylist_id"] = where.stylist_id
    if where.customer_id:
        values["customer_id"] = where.customer_id
    if where.starts_after:
        values["starts_after"] = where.starts_after
    if where.starts_before:
        values["starts_before"] = where.starts_before
    conditions = tuple(values)
    if after:
        conditions += ("after",)
        values["after_start"], values["after_id"] = after.start, after.booking_id
    return conditions, values


async def _one(
    root: Root, arguments: dict[str, Any], context: RequestContext, viewer: Actor
) -> dict[str, object]:
    try:
        booking_id = UUID(str(arguments["id"]))
    except ValueError:
        raise NotAnswered("not an id: the resolver's NOT_FOUND") from None
    statement = root.statement(rules(viewer), ("id",))
    rows = await _fetch(context, statement, viewer, {"id": booking_id})
    if not rows:
        raise NotAnswered("not found: the resolver's NOT_FOUND")
    return render.render("Booking", rows[0], root.field.children, _viewing(context, viewer))


async def _availability(
    root: Root, arguments: dict[str, Any], context: RequestContext, viewer: Actor
) -> list[dict[str, object]]:
    """The use case the resolver calls, with the resolver's arguments; its refusals (an id
    that is none, an unknown service) are the resolver's to answer."""
    try:
        service_id = UUID(str(arguments["serviceId"]))
        given = arguments.get("stylistId")
        stylist_id = None if given is None else UUID(str(given))
    except ValueError:
        raise NotAnswered("not an id: the resolver's NOT_FOUND") from None
    found = await availability.availability(
        context.deps, context.caller, service_id=service_id, start=arguments["from"],
        end=arguments["to"], stylist_id=stylist_id,
    )  # fmt: skip
    viewing = _viewing(context, viewer)
    return [
        render.render("StylistAvailability", entry, root.field.children, viewing) for entry in found
    ]


_ANSWERS = {"bookings": _page, "booking": _one, "availability": _availability}
