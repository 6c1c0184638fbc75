"""Preparing an operation: its limits, and parsing and validating it once per query text.

This does what strawberry's MaxTokensLimiter, two AddValidationRules (depth, aliases),
ParserCache and ValidationCache did as five extensions: each extension costs its hooks on every
operation, and ValidationCache keys its cache by the parsed document, whose hash walks the
whole tree every time. The same query text always parses to the same document, so both caches
are keyed by the text."""

from __future__ import annotations

from functools import lru_cache

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20
CACHED_OPERATIONS = 256
"""Distinct query texts kept parsed and validated (an app sends a few dozen)."""

# Made once: a limiter's rule is a class made when the limiter is, and the rules are part of
# the validation cache's key.
LIMIT_RULES: tuple[type[ASTValidationRule], ...] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


@lru_cache(maxsize=CACHED_OPERATIONS)
def parsed(query: str) -> DocumentNode:
    """The document of a query text (a syntax error, or more than MAX_TOKENS, raises: those
    are not kept)."""
    return parse(query, max_tokens=MAX_TOKENS)


@lru_cache(maxsize=CACHED_OPERATIONS)
def validated(
    schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    """What validating the query's document against these rules found (empty: valid)."""
    return validate_document(schema, parsed(query), rules)


def prepare(context: ExecutionContext) -> None:
    """Before an operation: its limits, and its document parsed and validated from the caches,
    so strawberry's parse and validate steps find the work done. A text that does not parse is
    left to strawberry's own parse, with the token limit, to answer as it always does."""
    context.parse_options["max_tokens"] = MAX_TOKENS
    context.validation_rules = rules = (*context.validation_rules, *LIMIT_RULES)
    query = context.query
    if query is not None:
        try:
            context.graphql_document = parsed(query)
        except GraphQLError:
            return
        context.pre_execution_errors = validated(context.schema._schema, query, rules)
