"""Every argument of every query and mutation, walked from schema.graphql: a valid call, then
the same call with one scalar swapped for a value at the edge of its type (the ends of the
calendar, empty and overlong texts, the ends of Int, ids of the wrong kind of row), as an
admin and as a customer. Random fuzzing rarely lands on these; the answer must still never be
a 5xx, an INTERNAL_ERROR or SERVICE_UNAVAILABLE, or show a stack trace or SQL. All failing
inputs are collected, so one run lists them all."""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import graphql
import orjson

from tests.conftest import BASE_TIME
from tests.e2e.attacks.test_schema_fuzz import FAILURES, LEAKS, SCHEMA, World, failures, world
from tests.support.api import Api
from tests.support.live import ws_client

__all__ = ["world"]  # the module's fixture, shared

Path = tuple[str, ...]
VALID_START = (BASE_TIME + timedelta(days=40, hours=3)).isoformat()
EDGES: dict[str, list[Any]] = {
    "DateTime": [
        "9999-12-31T23:30:00+00:00",
        "9999-12-31T23:59:59.999999-12:00",
        "9999-12-31T23:30:00-12:00",
        "9999-12-31T12:00:00+14:00",
        "0001-01-01T00:00:00+14:00",
        "1970-01-01T00:00:00Z",
        "2031-02-30T10:00:00+00:00",
        "2031-03-10T12:00:00",
        "infinity",
        "",
    ],
    "String": ["", " ", "\x00", "x" * 10_001, "\U0001f487" * 3_000, "'; DROP TABLE bookings;--"],
    "Int": [0, -1, 2**31 - 1, -(2**31)],
    "Boolean": [False],
    "ID": ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "wrong-kind", "unknown"],
}


# Optional fields an honest client sends: an admin books for a customer, a cancel has a reason.
HONEST_OPTIONALS = ("customerId", "reason")
HONEST_VALUES = {"currency": "EUR", "action": "CANCEL", "role": "CUSTOMER"}
# Erasing and deleting the rows the other calls aim at come last.
LAST = ("deleteBooking", "erasePerson")


def _valid(world: World, name: str, of: graphql.GraphQLInputType) -> Any:
    """A value a well-behaved client would send for the field `name` of type `of`."""
    named = graphql.get_named_type(of)
    if isinstance(named, graphql.GraphQLInputObjectType):
        return {
            field_name: _valid(world, field_name, field.type)
            for field_name, field in named.fields.items()
            if graphql.is_required_input_field(field) or field_name in HONEST_OPTIONALS
        }
    if name in HONEST_VALUES:
        return HONEST_VALUES[name]
    if isinstance(named, graphql.GraphQLEnumType):
        value = next(iter(named.values))
        return [value] if graphql.is_list_type(graphql.get_nullable_type(of)) else value
    assert isinstance(named, graphql.GraphQLScalarType)
    honest: dict[str, Any] = {"DateTime": VALID_START, "String": "Honest text", "Int": 30}
    scalar = (
        world.rows.get(name, world.rows["any"])[0]
        if named.name == "ID"
        else honest.get(named.name, True)
    )
    return [scalar] if graphql.is_list_type(graphql.get_nullable_type(of)) else scalar


def _leaves(of: graphql.GraphQLInputType, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every scalar leaf under an argument type (optional ones too), with its scalar's name."""
    named = graphql.get_named_type(of)
    if isinstance(named, graphql.GraphQLInputObjectType):
        for name, field in named.fields.items():
            yield from _leaves(field.type, (*path, name))
    elif isinstance(named, graphql.GraphQLScalarType):
        yield path, named.name


def _with(value: Any, path: Path, leaf: Any) -> Any:
    if not path:
        return leaf
    head, *rest = path
    given = dict(value) if isinstance(value, dict) else {}
    given[head] = _with(given.get(head), tuple(rest), leaf)
    return given


def _edge(world: World, name: str, raw: Any) -> Any:
    if raw == "wrong-kind":  # a real row, of another kind than the argument names
        return world.rows["bookingId" if name != "bookingId" else "personId"][0]
    return str(uuid.uuid4()) if raw == "unknown" else raw


def _operation(kind: str, field: graphql.GraphQLField, name: str, sent: dict[str, Any]) -> str:
    """The call with the arguments `sent` as variables (the others take their defaults)."""
    given = [arg for arg in field.args if arg in sent]
    definitions = ", ".join(f"${arg}: {field.args[arg].type}" for arg in given)
    arguments = ", ".join(f"{arg}: ${arg}" for arg in given)
    head = f"{kind}({definitions})" if definitions else kind
    call = f"{name}({arguments})" if arguments else name
    errors = (
        "... on Error { code message }"
        if graphql.is_union_type(graphql.get_named_type(field.type))
        else ""
    )
    return f"{head} {{ {call} {{ __typename {errors} }} }}"


def _cases(world: World) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(operation, variables, label) for every root field: valid, then one edge at a time."""
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        for name, field in sorted(root.fields.items(), key=lambda item: item[0] in LAST):
            valid = {
                arg: _valid(world, arg, a.type)
                for arg, a in field.args.items()
                if graphql.is_required_argument(a)
            }
            yield _operation(kind, field, name, valid), valid, f"{name} valid"
            for arg, arg_def in field.args.items():
                for path, scalar in _leaves(arg_def.type):
                    for raw in EDGES[scalar]:
                        edge = _edge(world, path[-1] if path else arg, raw)
                        variables = {**valid, arg: _with(valid.get(arg), path, edge)}
                        label = f"{name}.{'.'.join((arg, *path))}={raw!r:.40}"
                        yield _operation(kind, field, name, variables), variables, label


async def test_edge_values_of_every_argument_are_answered_cleanly(api: Api, world: World) -> None:
    broken = []
    for operation, variables, label in _cases(world):
        for role in ("admin", "customer"):
            response = await api.post(operation, variables, token=world.tokens[role])
            body = orjson.loads(response.content)
            if (
                response.status_code >= 500
                or failures(body)
                or any(leak in response.text for leak in LEAKS)
            ):
                broken.append(f"{label} as {role}: {response.status_code} {response.text:.200}")
    assert not broken, "\n".join(broken)


def _cursor(before: str, window: str, last_id: object, issued: object) -> str:
    """A cursor as the API encodes one, holding whatever a forger puts in it."""
    raw = json.dumps([before, window, last_id, issued]).encode()  # orjson refuses big ints
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


NOW_SECONDS = int(BASE_TIME.timestamp())
FORGED_CURSORS = {
    "junk": "not-a-cursor",
    "empty": "",
    "last id past bigint": _cursor("1:1:", "1:1:", 10**30, NOW_SECONDS),
    "negative last id": _cursor("1:1:", "1:1:", -1, NOW_SECONDS),
    "issued beyond the calendar": _cursor("1:1:", "1:1:", 0, 10**20),
    "issued as text": _cursor("1:1:", "1:1:", 0, "now"),
    "xid past bigint": _cursor(f"{10**30}:{10**30}:", "1:1:", 0, NOW_SECONDS),
    "xmin after xmax": _cursor("9:3:", "9:3:", 0, NOW_SECONDS),
    "in-progress list junk": _cursor("1:5:2,x", "1:5:", 0, NOW_SECONDS),
    "from the far future": _cursor("1:1:", "1:1:", 0, NOW_SECONDS + 10**8),
}
SUBSCRIBE = """subscription($filter: BookingEventFilter, $after: String) {
  bookingEvents(filter: $filter, after: $after) { kind } }"""


def _subscription_cases(world: World) -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {
        f"after {k}": {"after": v} for k, v in FORGED_CURSORS.items()
    }
    for name in ("bookingId", "stylistId"):
        for raw in EDGES["ID"]:
            cases[f"filter.{name}={raw!r}"] = {"filter": {name: _edge(world, name, raw)}}
    return cases


def _failed(message: dict[str, Any]) -> bool:
    """An execution error arrives in a `next` message, a refused operation in `error`."""
    payload = message.get("payload")
    errors = payload if isinstance(payload, list) else (payload or {}).get("errors") or []
    return any((error.get("extensions") or {}).get("code") in FAILURES for error in errors)


async def test_subscription_arguments_at_their_edges_are_answered_cleanly(
    live: str, world: World
) -> None:
    cases = _subscription_cases(world)
    async with ws_client(live, token=world.tokens["admin"]) as client:
        operations = {label: await client.subscribe(SUBSCRIBE, variables)
                      for label, variables in cases.items()}  # fmt: skip
        answers = {}
        for label, operation in operations.items():
            with contextlib.suppress(TimeoutError):
                answers[label] = await client.next(operation, within=0.3)
    broken = [f"{label}: {answer}" for label, answer in answers.items() if _failed(answer)]
    assert not broken, "\n".join(broken)
