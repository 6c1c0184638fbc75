"""The schema's extension runner, without the stages no extension hooks into.

Strawberry wraps parsing, validation and execution of every operation in a context manager
per stage, each of which looks through the extensions for its hook (several `inspect` calls)
and opens an exit stack, even when no extension has that hook. The schema's one extension
hooks into the operation and into stream results only, so the other stages get a context
manager that does nothing. Which stages have hooks is decided from the extensions' classes;
any extension that does hook into a stage gets strawberry's own context manager for it."""

from __future__ import annotations

from functools import lru_cache
from types import TracebackType

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ParsingContextManager,
    ValidationContextManager,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

Traceback = TracebackType | None
EXTENSION_SETS = 8
"""Distinct sets of extension classes whose hooks are remembered (a schema has one)."""


class _Nothing:
    """Enters and leaves nothing, synchronously or not (stateless: one is shared)."""

    __slots__ = ()

    def __init__(self) -> None:
        pass

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Traceback
    ) -> None:
        return None

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Traceback
    ) -> None:
        return None


class NoParsingHooks(_Nothing, ParsingContextManager):
    __slots__ = ()


class NoValidationHooks(_Nothing, ValidationContextManager):
    __slots__ = ()


class NoExecutingHooks(_Nothing, ExecutingContextManager):
    __slots__ = ()


NO_PARSING, NO_VALIDATION, NO_EXECUTING = NoParsingHooks(), NoValidationHooks(), NoExecutingHooks()


@lru_cache(maxsize=EXTENSION_SETS)
def hooked(kinds: tuple[type[SchemaExtension], ...]) -> frozenset[str]:
    """The stage hooks (`on_parse`, ...) that any of these extension classes implements."""
    stages = ("on_parse", "on_validate", "on_execute")
    return frozenset(
        stage
        for stage in stages
        for kind in kinds
        if getattr(kind, stage) is not getattr(SchemaExtension, stage)
    )


class StagesRunner(SchemaExtensionsRunner):
    def _hooked(self) -> frozenset[str]:
        return hooked(tuple(type(extension) for extension in self.extensions))

    def parsing(self) -> ParsingContextManager:
        return super().parsing() if "on_parse" in self._hooked() else NO_PARSING

    def validation(self) -> ValidationContextManager:
        return super().validation() if "on_validate" in self._hooked() else NO_VALIDATION

    def executing(self) -> ExecutingContextManager:
        return super().executing() if "on_execute" in self._hooked() else NO_EXECUTING
