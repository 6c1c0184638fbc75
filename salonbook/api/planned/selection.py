"""An operation's selection as the tree of fields a plan answers, or None when the plan does not
cover all of it.

Fields are grouped by response key as graphql-core's collect_fields groups them (first
appearance decides the order; the selections of one key are merged), fragments and inline
fragments are spread when their type condition is the type at hand. Anything else (a
directive, such as @skip or @include; a fragment on another type; a field the plan does not
answer; introspection) leaves the whole operation to the fallback path."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)

TYPENAME = "__typename"


@dataclass(frozen=True, slots=True)
class Selected:
    key: str
    """The response key: the alias, else the field's name."""
    name: str
    children: tuple[Selected, ...] = ()
    node: FieldNode | None = field(default=None, compare=False, hash=False)
    """The first node of the field (its arguments: only root fields take any)."""


class NotCovered(Exception):
    """Something in the selection that the plan does not answer."""


def selected(
    schema: GraphQLSchema,
    type_name: str,
    selection_sets: Sequence[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    covered: Mapping[str, frozenset[str]],
) -> tuple[Selected, ...]:
    """The fields of these merged selection sets of `type_name`; NotCovered if the plan does
    not answer all of them."""
    grouped: dict[str, list[FieldNode]] = {}
    for selection_set in selection_sets:
        collect(type_name, selection_set.selections, fragments, grouped)
    return _fields(schema, type_name, grouped, fragments, covered)


def selected_by_type(
    schema: GraphQLSchema,
    abstract_name: str,
    selection_sets: Sequence[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    covered: Mapping[str, frozenset[str]],
) -> dict[str, tuple[Selected, ...]]:
    """The fields of these merged selection sets of a union or interface, for each of its
    object types, as graphql-core collects them once it knows the value's type: a fragment
    applies when its condition is that type or an abstract type it belongs to."""
    abstract = schema.type_map[abstract_name]
    assert isinstance(abstract, GraphQLInterfaceType | GraphQLUnionType)
    by_type = {}
    for object_type in schema.get_possible_types(abstract):

        def applies(condition: str, of: GraphQLObjectType = object_type) -> bool:
            named = schema.type_map[condition]
            return is_abstract_type(named) and schema.is_sub_type(named, of)

        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            collect(object_type.name, selection_set.selections, fragments, grouped, applies)
        by_type[object_type.name] = _fields(schema, object_type.name, grouped, fragments, covered)
    return by_type


def _fields(
    schema: GraphQLSchema,
    type_name: str,
    grouped: dict[str, list[FieldNode]],
    fragments: Mapping[str, FragmentDefinitionNode],
    covered: Mapping[str, frozenset[str]],
) -> tuple[Selected, ...]:
    object_type = schema.type_map[type_name]
    assert isinstance(object_type, GraphQLObjectType)
    fields = []
    for key, nodes in grouped.items():
        name = nodes[0].name.value
        if name == TYPENAME:
            fields.append(Selected(key, name))
            continue
        if name not in covered.get(type_name, ()):
            raise NotCovered(f"{type_name}.{name}")
        named = get_named_type(object_type.fields[name].type)
        children: tuple[Selected, ...] = ()
        if not is_leaf_type(named):
            sets = [node.selection_set for node in nodes if node.selection_set is not None]
            children = selected(schema, named.name, sets, fragments, covered)
        fields.append(Selected(key, name, children, nodes[0]))
    return tuple(fields)


def collect(
    type_name: str,
    selections: Sequence[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    grouped: dict[str, list[FieldNode]],
    applies: Callable[[str], bool] | None = None,
) -> None:
    """`applies`: whether a fragment on another type applies to this one (None: no fragment
    on another type is covered)."""
    for selection in selections:
        if selection.directives:
            raise NotCovered("a directive")
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            grouped.setdefault(key, []).append(selection)
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or fragment.directives:
                raise NotCovered("a fragment")
            condition: NamedTypeNode | None = fragment.type_condition
            inner = fragment.selection_set
        elif isinstance(selection, InlineFragmentNode):
            condition, inner = selection.type_condition, selection.selection_set
        else:
            raise NotCovered(type(selection).__name__)
        if condition is not None and condition.name.value != type_name:
            if applies is None:
                raise NotCovered("a fragment on another type")
            if not applies(condition.name.value):
                continue
        collect(type_name, inner.selections, fragments, grouped, applies)
