"""The strawberry Schema, with its extensions (passed as classes: fresh per operation)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import Schema
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from salonbook.schema.envelope import OperationEnvelope
from salonbook.schema.events import Subscription
from salonbook.schema.mutation import Mutation
from salonbook.schema.query import Query
from salonbook.schema.scalars import SCALAR_MAP
from salonbook.schema.shared_events import SharedEventResults


class SalonbookSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Error shaping (schema/shaping.py) logs what needs logging; strawberry's default
        would log our typed top-level errors (NOT_FOUND and the like) as server errors."""


def build_schema() -> Schema:
    return SalonbookSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[OperationEnvelope],
        execution_context_class=SharedEventResults,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = build_schema()
