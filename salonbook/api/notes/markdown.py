"""Stylist notes' Markdown subset (bold, italic, bullet lists) rendered to sanitised HTML.

markdown-it-py's `zero` preset with only emphasis, lists and line breaks: raw HTML is escaped
and links are not Markdown at all, so no `javascript:` URL can be produced; nh3 then keeps only
the tags the subset makes, as a second line of defence."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("zero").enable(["emphasis", "list", "newline"])
_TAGS = {"p", "strong", "em", "ul", "ol", "li", "br"}


def render_note(body: str) -> str:
    return nh3.clean(_MARKDOWN.render(body), tags=_TAGS, attributes={}, link_rel=None)
