"""Executing one booking event once per (query, variables, viewer role), not once per subscriber.

graphql-core executes a subscription's selection set for every subscriber and every event; with
thousands of dashboards that is most of the server's work. For a live event every subscriber of
one role sees the same thing: customers and stylists only receive events of their own bookings,
so what depends on the viewer (notes, audit IP/user agent, availableActions) depends on its role
alone. The first subscriber's result is therefore shared with the others, through a cache kept
on the event's delivery (and dropped with it)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

ResultCache = dict[tuple[int, bytes, str], tuple[object, Any]]


class SharedEventResults(StrawberryGraphQLCoreExecutionContext):
    def execute_operation(self, serially: bool | None = None) -> Any:
        cache: ResultCache | None = getattr(self.root_value, "shared_results", None)
        role = getattr(getattr(self.root_value, "viewer", None), "role", None)
        if cache is None or role is None:
            return super().execute_operation(serially)
        variables = orjson.dumps(self.variable_values, option=orjson.OPT_SORT_KEYS, default=str)
        # keyed by the operation's id, and the operation kept in the entry, so the id cannot
        # be reused by another document while the entry lives
        key = (id(self.operation), variables, str(role))
        found = cache.get(key)
        if found is not None:
            return found[1]
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            result = asyncio.ensure_future(result)
        cache[key] = (self.operation, result)
        return result
