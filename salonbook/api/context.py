"""The per-request (or per-operation) GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from salonbook.db.loaders import Loaders
from salonbook.use_cases.deps import Caller, Deps

if TYPE_CHECKING:
    from salonbook.realtime.delivery import StreamParts


@dataclass
class RequestContext:
    deps: Deps
    caller: Caller
    request: Any = None
    response: Any = None
    stream: StreamParts | None = None
    connection_params: dict[str, Any] | None = None
    _loaders: Loaders | None = field(default=None, init=False, repr=False)

    @property
    def loaders(self) -> Loaders:
        """Made on first use: a websocket's context lives as long as the connection, and its
        subscriptions load through each event's own loaders."""
        if self._loaders is None:
            self._loaders = Loaders(self.deps.engine)
        return self._loaders

    def forget_loaders(self) -> None:
        """For the next operation of a connection: what an earlier one loaded may have changed."""
        self._loaders = None


Info = StrawberryInfo[RequestContext, None]
