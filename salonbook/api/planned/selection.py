"""An operation's selection as the tree of fields a plan answers, or None when the plan does not
cover all of it.

Fields are grouped by response key as graphql-core's collect_fields groups them (first
appearance decides the order; the selections of one key are merged), fragments and inline
fragments are spread when their type condition is the type at hand. Anything else (a
directive, such as @skip or @include; a fragment on another type; a field the plan does not
answer; introspection) leaves the whole operation to the fallback path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
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
        _collect(type_name, selection_set.selections, fragments, grouped)
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


def _collect(
    type_name: str,
    selections: Sequence[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    grouped: dict[str, list[FieldNode]],
) -> None:
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
            raise NotCovered("a fragment on another type")
        _collect(type_name, inner.selections, fragments, grouped)
