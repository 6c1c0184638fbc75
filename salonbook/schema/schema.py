"""The strawberry Schema, with its limits and caches (passed as classes: fresh per request)."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from salonbook.observability.operations import OperationObserver
from salonbook.schema.events import Subscription
from salonbook.schema.mutation import Mutation
from salonbook.schema.query import Query
from salonbook.schema.shaping import ErrorShaping
from salonbook.schema.shared_events import SharedEventResults

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20


# The limiters' rule classes are made once: the rules are part of ValidationCache's key, and a
# limiter built per request makes a new class each time, so nothing would ever be a cache hit.
_DEPTH_RULES = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
_ALIAS_RULES = MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules


class DepthLimit(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(_DEPTH_RULES)


class TokenLimit(MaxTokensLimiter):
    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)


class AliasLimit(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(_ALIAS_RULES)


class SalonbookSchema(Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """ErrorShaping logs what needs logging; strawberry's default would log our typed
        top-level errors (NOT_FOUND and the like) as server errors."""


def build_schema() -> Schema:
    return SalonbookSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # OperationObserver first: its end runs last, after ErrorShaping has set the codes
        extensions=[
            OperationObserver,
            ErrorShaping,
            TokenLimit,
            DepthLimit,
            AliasLimit,
            ParserCache,
            ValidationCache,
        ],
        execution_context_class=SharedEventResults,
    )


schema = build_schema()
