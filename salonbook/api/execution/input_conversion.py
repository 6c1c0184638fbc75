"""Flat input types built straight from their input value.

Strawberry converts an input argument field by field on every request, looking up each field's
GraphQL name and resolving its type each time: for transitionBooking's five-field input that
was a visible share of the server's CPU per request (docs/benchmarks.md). An input whose fields
are all scalars or enums (or lists of them) needs none of it, since graphql-core has already
coerced every value: it is built with one call, through strawberry's `from_input` hook for
types that build their own value."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import strawberry
from strawberry.schema.name_converter import NameConverter
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

T = TypeVar("T")
_LEAVES = (str, int, float, bool, strawberry.ID, datetime)


def _is_leaf(type_: object) -> bool:
    return (
        type_ in _LEAVES
        or isinstance(type_, StrawberryEnumDefinition)
        or (isinstance(type_, type) and issubclass(type_, enum.Enum))
    )


def _copies(type_: object) -> bool | None:
    """False: the value is used as it is; True: a list, copied (graphql-core hands every
    request that omits it the same default list); None: not flat."""
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, StrawberryList):
        return True if _is_leaf(type_.of_type) else None
    return False if _is_leaf(type_) else None


def built_directly(cls: type[T]) -> type[T]:
    """Decorates a `@strawberry.input` class whose fields are all flat (TypeError otherwise)."""
    definition = get_object_definition(cls, strict=True)
    names = NameConverter()
    plan: list[tuple[str, str, bool]] = []
    for field in definition.fields:
        copies = _copies(field.resolve_type(type_definition=definition))
        if copies is None:
            raise TypeError(f"{cls.__name__}.{field.python_name} is not a scalar, enum or list")
        plan.append((field.python_name, names.from_field(field), copies))

    def make(type_: type, value: Mapping[str, Any]) -> Any:
        kwargs = {}
        for python_name, graphql_name, copies in plan:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = list(given) if copies and given is not None else given
        return type_(**kwargs)

    def from_input(type_: type, value: Mapping[str, Any], _: InputContext) -> Any:
        return make(type_, value)

    build: Callable[[type, Mapping[str, Any], InputContext], Any] = from_input
    definition.from_input = build
    _MAKERS[cls] = make
    return cls


_MAKERS: dict[type, Callable[[type, Mapping[str, Any]], Any]] = {}


def built(cls: type[T], value: Mapping[str, Any]) -> T:
    """The input as strawberry builds it from graphql-core's coerced value (for a planned
    mutation, which strawberry's argument conversion does not see)."""
    made: T = _MAKERS[cls](cls, value)
    return made
