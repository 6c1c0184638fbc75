"""Stages no extension hooks into get a context manager that does nothing; an extension that
hooks into a stage still has its hook run, and the classes' hooks are remembered within a
bound."""

from __future__ import annotations

from collections.abc import Iterator

import strawberry
from strawberry.extensions import SchemaExtension

from salonbook.api.execution.stages import (
    EXTENSION_SETS,
    NO_EXECUTING,
    NO_PARSING,
    NO_VALIDATION,
    StagesRunner,
    hooked,
)
from salonbook.api.schema import schema

seen: list[str] = []


class Parses(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        seen.append("parse")
        yield


class Validates(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        seen.append("validate")
        yield


class Executes(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        seen.append("execute")
        yield


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


def test_the_schemas_runner_skips_the_stages_its_extension_does_not_hook() -> None:
    runner = schema.create_extensions_runner(None, schema.get_extensions())  # type: ignore[arg-type]
    assert isinstance(runner, StagesRunner)
    assert runner.parsing() is NO_PARSING
    assert runner.validation() is NO_VALIDATION
    assert runner.executing() is NO_EXECUTING
    assert schema.execute_sync("{ __typename }").data == {"__typename": "Query"}


async def test_a_hooked_stage_still_runs_its_hook() -> None:
    class HookedSchema(strawberry.Schema):
        create_extensions_runner = type(schema).create_extensions_runner

    hooked_schema = HookedSchema(query=Query, extensions=[Parses, Validates, Executes])
    seen.clear()
    result = await hooked_schema.execute("{ hello }")
    assert result.data == {"hello": "hi"}
    assert seen == ["parse", "validate", "execute"]
    lone = HookedSchema(query=Query, extensions=[Validates])
    runner = lone.create_extensions_runner(None, lone.get_extensions())  # type: ignore[arg-type]
    assert runner.parsing() is NO_PARSING
    assert runner.validation() is not NO_VALIDATION
    seen.clear()
    assert (await lone.execute("{ hello }")).data == {"hello": "hi"}
    assert seen == ["validate"]


def test_the_hooks_of_at_most_a_few_sets_of_classes_are_remembered() -> None:
    kinds = [type(f"Extension{n}", (SchemaExtension,), {}) for n in range(EXTENSION_SETS + 5)]
    for kind in kinds:
        assert hooked((kind,)) == frozenset()
    assert hooked((Parses, Executes)) == frozenset({"on_parse", "on_execute"})
    assert hooked.cache_info().currsize <= EXTENSION_SETS
