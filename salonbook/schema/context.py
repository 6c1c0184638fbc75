"""The per-request (or per-operation) GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from salonbook.resolvers.deps import Caller, Deps
from salonbook.schema.loaders import Loaders


@dataclass
class RequestContext:
    deps: Deps
    caller: Caller
    request: Any = None
    response: Any = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.deps.engine)


Info = StrawberryInfo[RequestContext, None]
