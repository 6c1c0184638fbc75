"""The per-request (or per-operation) GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from salonbook.resolvers.deps import Caller, Deps
from salonbook.schema.loaders import Loaders

if TYPE_CHECKING:
    from salonbook.subscriptions.delivery import StreamParts


@dataclass
class RequestContext:
    deps: Deps
    caller: Caller
    request: Any = None
    response: Any = None
    stream: StreamParts | None = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.deps.engine)


Info = StrawberryInfo[RequestContext, None]
