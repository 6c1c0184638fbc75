"""Executing one booking event once per (query, variables, audience), not once per subscriber.

graphql-core executes a subscription's selection set for every subscriber and every event; with
thousands of dashboards that is most of the server's work. For a live event every subscriber of
one audience (salonbook/domain/model.py: a role that sees everything, or one person) sees the
same thing: what depends on the viewer (notes, audit IP/user agent, availableActions, contact
details) depends on that alone. The first subscriber's result is therefore shared with the
others, through a cache kept on the event's delivery (and dropped with it). Customers and
stylists only receive events of their own bookings, so keying them by person shares as much as
keying them by role would, and no per-person rule can leak through the sharing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

import orjson
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from salonbook.domain.model import Actor, audience

T = TypeVar("T")
ShareKey = tuple[int, bytes, Hashable]
ResultCache = dict[ShareKey, tuple[object, Any]]

subscription_executor: ContextVar[SharedEventResults | None] = ContextVar(
    "salonbook_subscription_executor", default=None
)
"""The executor of the subscription the current task runs (set before its first event)."""


class SharedEventResults(StrawberryGraphQLCoreExecutionContext):
    _operation_key: tuple[int, bytes] | None = None

    def share_key(self, audience: Hashable) -> ShareKey:
        # keyed by the operation's id, and the operation kept in the cache entry (or by the
        # executor), so the id cannot be reused by another document while the key is in use
        operation_key = self._operation_key
        if operation_key is None:
            variables = orjson.dumps(
                self.variable_values.coerced, option=orjson.OPT_SORT_KEYS, default=str
            )
            operation_key = self._operation_key = (id(self.operation), variables)
        return (*operation_key, audience)

    def cancellable_iterable(self, iterable: AsyncIterable[T]) -> AsyncIterable[T]:
        """Called on the subscription's own executor as its event stream starts."""
        if subscription_executor.get() is None:
            self.share_key(None)  # once, so that each event's copy of this executor has it
            subscription_executor.set(self)
        return super().cancellable_iterable(iterable)

    def execute_operation(self, serially: bool | None = None) -> Any:
        cache: ResultCache | None = getattr(self.root_value, "shared_results", None)
        viewer = getattr(self.root_value, "viewer", None)
        if cache is None or not isinstance(viewer, Actor):
            return super().execute_operation(serially)
        key = self.share_key(audience(viewer))
        found = cache.get(key)
        if found is not None:
            return found[1]
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            result = asyncio.ensure_future(result)
        cache[key] = (self.operation, result)
        return result
