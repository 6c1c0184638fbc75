"""A stylist note's Markdown: rendered to HTML of a few safe tags without attributes, however
hostile the markup written."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from salonbook.domain.statuses import BookingStatus
from tests.e2e.stylist_note_calls import add, notes
from tests.support.api import Api
from tests.support.factory import Factory

SAFE_TAGS = {"p", "strong", "em", "ul", "ol", "li", "br"}


async def test_bold_italic_and_lists_render_to_html(api: Api, factory: Factory) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)
    body = "**bold** and *italic*\n\n- one\n- two"

    result = await add(api, factory, party.stylist, booking, body)

    assert result["note"]["bodyHtml"] == (
        "<p><strong>bold</strong> and <em>italic</em></p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )


class _Markup(HTMLParser):
    """Every tag and attribute in a piece of HTML, and anything that is not plain markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data}")


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">y</a>',
    "**<b onmouseover=alert(1)>hi</b>** <!-- x --> <iframe src=javascript:alert(1)>",
]


@pytest.mark.parametrize("body", [*HOSTILE, "\n\n".join(HOSTILE)])
async def test_hostile_markup_renders_harmless(api: Api, factory: Factory, body: str) -> None:
    party = await factory.party()
    booking = await factory.booking(party, status=BookingStatus.CONFIRMED)

    added = await add(api, factory, party.stylist, booking, body)
    (listed,) = await notes(api, factory, party.admin, booking)

    for html in (added["note"]["bodyHtml"], listed["bodyHtml"]):
        markup = _Markup()
        markup.feed(html)
        markup.close()
        assert {tag for tag, _ in markup.tags} <= SAFE_TAGS, html
        assert [attrs for _, attrs in markup.tags if attrs] == [], html
        assert markup.other == [], html
