"""The media type a GraphQL answer is sent in, chosen from the request's `Accept` header as
GraphQL over HTTP says: `application/graphql-response+json` (its HTTP status tells a request
error from a response) or `application/json` (legacy: 200 whenever a GraphQL response is sent).

A type the client names beats one it reaches only through a wildcard, and a higher `q` beats
both. Named alike, `application/graphql-response+json` is preferred; reached only through a
wildcard (`*/*`, `application/*`) or with no `Accept` at all, `application/json`, which every
client that does not ask for the new type by name has always been sent. A range naming a
charset other than UTF-8 matches nothing: answers are UTF-8. None acceptable: 406."""

from __future__ import annotations

from functools import lru_cache

from starlette.types import Scope

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
CONTENT_TYPES = {
    GRAPHQL_RESPONSE_JSON: f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8",
    JSON: JSON,  # as it has always been sent
}
"""The Content-Type header of each media type."""

_NAMED, _SUBTYPE_WILDCARD, _WILDCARD = 2, 1, 0
_UTF8 = ("utf-8", "utf8")
_CACHED_HEADERS = 64
"""Distinct Accept headers remembered (each client library sends one of its own)."""


def accept_header(scope: Scope) -> str | None:
    """Every `Accept` header of the request, as one list (None: there is none)."""
    values = [value for name, value in scope.get("headers", ()) if name == b"accept"]
    return b",".join(values).decode("latin-1") if values else None


def _range(entry: str) -> tuple[str, str, float] | None:
    """A media range's type, subtype and quality (None: malformed, or not UTF-8)."""
    kind, *parameters = (part.strip() for part in entry.split(";"))
    main, slash, sub = kind.lower().partition("/")
    if not slash or not main or not sub or (main == "*" and sub != "*"):
        return None
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        name, value = name.strip().lower(), value.strip().strip('"').lower()
        if name == "q":
            try:
                quality = float(value)
            except ValueError:
                return None
            if not 0.0 <= quality <= 1.0:
                return None
        elif name == "charset" and value not in _UTF8:
            return None
    return main, sub, quality


def _match(ranges: list[tuple[str, str, float]], media_type: str) -> tuple[float, int]:
    """The quality the client gives a media type (from its most specific range), and how
    specific that range is; (0, 0) when no range covers it."""
    main, _, sub = media_type.partition("/")
    best: tuple[int, float] | None = None
    for range_main, range_sub, quality in ranges:
        if (range_main, range_sub) == (main, sub):
            specificity = _NAMED
        elif (range_main, range_sub) == (main, "*"):
            specificity = _SUBTYPE_WILDCARD
        elif (range_main, range_sub) == ("*", "*"):
            specificity = _WILDCARD
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, quality)
    return (best[1], best[0]) if best is not None else (0.0, _WILDCARD)


@lru_cache(maxsize=_CACHED_HEADERS)
def negotiate(accept: str | None) -> str | None:
    """The media type to answer in (None: the client accepts neither)."""
    if accept is None or not accept.strip():
        return JSON
    ranges = [found for entry in accept.split(",") if (found := _range(entry)) is not None]
    candidates = []
    for media_type in (GRAPHQL_RESPONSE_JSON, JSON):
        quality, specificity = _match(ranges, media_type)
        named_and_preferred = specificity == _NAMED and media_type == GRAPHQL_RESPONSE_JSON
        legacy_default = specificity != _NAMED and media_type == JSON
        preferred = named_and_preferred or legacy_default
        if quality > 0:
            candidates.append(((quality, specificity, preferred), media_type))
    return max(candidates)[1] if candidates else None


def media_type_of(scope: Scope) -> str | None:
    """The media type the request's answer is sent in (None: 406)."""
    return negotiate(accept_header(scope))


def content_type_of(scope: Scope) -> str:
    """The Content-Type of a GraphQL answer to the request; a refusal to a client that accepts
    neither media type is still sent, as `application/json`."""
    return CONTENT_TYPES[media_type_of(scope) or JSON]
