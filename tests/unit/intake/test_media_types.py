"""The media type an answer is sent in, from the `Accept` header: a type named beats a wildcard,
a higher q beats both, named alike graphql-response+json wins, a wildcard alone (or no header)
gets application/json, a charset other than UTF-8 matches nothing, neither acceptable: None."""

from __future__ import annotations

import pytest

from salonbook.intake.media_types import GRAPHQL_RESPONSE_JSON, JSON, accept_header, negotiate

GRJ = GRAPHQL_RESPONSE_JSON

# Accept header (None: none) -> media type (None: 406)
TABLE: dict[str, tuple[str | None, str | None]] = {
    "no header": (None, JSON),
    "an empty header": ("", JSON),
    "*/*": ("*/*", JSON),
    "application/*": ("application/*", JSON),
    "json": (JSON, JSON),
    "graphql-response+json": (GRJ, GRJ),
    "the spec's recommended header": (f"{GRJ}; charset=utf-8, {JSON}; charset=utf-8", GRJ),
    "both, json first": (f"{JSON}, {GRJ}", GRJ),
    "named beats a wildcard": (f"*/*, {GRJ}", GRJ),
    "json named beats a wildcard": (f"{JSON}, */*", JSON),
    "higher q wins": (f"{GRJ};q=0.5, {JSON}", JSON),
    "higher q wins over being named": (f"{GRJ};q=0.5, */*", JSON),
    "q with spaces and capitals": (f"Application/Graphql-Response+JSON ; Q=1, {JSON};q=0.9", GRJ),
    "the most specific range decides": (f"{JSON};q=0, */*", GRJ),
    "a browser's": ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
    "utf8 spelled without a dash": (f"{JSON}; charset=utf8", JSON),
    "another charset matches nothing": (f"{GRJ}; charset=utf-16, {JSON}", JSON),
    "only another charset": (f"{JSON}; charset=latin-1", None),
    "html only": ("text/html", None),
    "refused by q=0": (f"{GRJ};q=0, {JSON};q=0", None),
    "a malformed q is ignored": (f"{GRJ};q=high, {JSON}", JSON),
    "a q out of range is ignored": (f"{GRJ};q=2, {JSON}", JSON),
    "garbage": ("*/json, nonsense, ;;", None),
}


@pytest.mark.parametrize(("accept", "media_type"), TABLE.values(), ids=TABLE)
def test_negotiate(accept: str | None, media_type: str | None) -> None:
    assert negotiate(accept) == media_type


def test_every_accept_header_is_read_as_one_list() -> None:
    scope = {"headers": [(b"accept", b"text/html"), (b"host", b"x"), (b"accept", GRJ.encode())]}

    assert accept_header(scope) == f"text/html,{GRJ}"
    assert accept_header({"headers": []}) is None
