"""GraphiQL without internet: GET /graphql from a browser is a page that loads only files the
package ships (locked versions, their licences beside them), served with long caching.
`SALONBOOK_ENV=production` turns it off unless `SALONBOOK_GRAPHIQL` turns it on."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

import salonbook
from salonbook.app import create_app
from salonbook.config import Settings
from salonbook.web.graphiql import STATIC, STATIC_URL

PACKAGE = Path(salonbook.__file__).parent
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CDN = re.compile(r"unpkg\.com|jsdelivr\.net|cdnjs\.", re.IGNORECASE)
REAL = "r" * 32
TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
LICENCES = {"LICENSE.graphiql.txt", "LICENSE.react.txt", "LICENSE.react-dom.txt"}


class _References(HTMLParser):
    """Every src and href in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def _references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    return parser.urls


async def test_a_browser_gets_graphiql_with_the_headers_editor(http: httpx.AsyncClient) -> None:
    for accept in ("text/html", BROWSER["Accept"]):
        page = await http.get("/graphql", headers={"Accept": accept})
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "GraphiQL.createFetcher({ url, subscriptionUrl })" in page.text
        assert "isHeadersEditorEnabled: true" in page.text


async def test_the_page_references_no_other_host(http: httpx.AsyncClient) -> None:
    page = (await http.get("/graphql", headers=BROWSER)).text
    urls = _references(page)
    assert urls, "the page loads its scripts and styles from somewhere"
    for url in urls:
        assert url.startswith(f"{STATIC_URL}/") or url.startswith("data:"), url
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not CDN.search(page)


async def test_every_asset_the_page_names_is_served_for_good(http: httpx.AsyncClient) -> None:
    page = (await http.get("/graphql", headers=BROWSER)).text
    assets = [url for url in _references(page) if url.startswith(STATIC_URL)]
    assert {Path(url).suffix for url in assets} == {".js", ".css"}
    for url in assets:
        answer = await http.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].split(";")[0] == TYPES[Path(url).suffix]
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.content == (STATIC / Path(url).name).read_bytes()
        assert b"sourceMappingURL" not in answer.content  # the maps are not shipped


async def test_the_licences_are_shipped_and_served(http: httpx.AsyncClient) -> None:
    assert LICENCES.issubset(path.name for path in STATIC.iterdir())
    for name in LICENCES:
        answer = await http.get(f"{STATIC_URL}/{name}")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-cache"
        assert "MIT License" in answer.text


def test_no_cdn_is_named_anywhere_in_the_package() -> None:
    named = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix != ".pyc"
        and CDN.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert named == []


def _production(monkeypatch: pytest.MonkeyPatch, graphiql: str | None) -> Settings:
    monkeypatch.setenv("SALONBOOK_ENV", "production")
    for name in ("JWT_SECRET", "PAYMENT_WEBHOOK_SECRET", "METRICS_TOKEN"):
        monkeypatch.setenv(f"SALONBOOK_{name}", REAL)
    if graphiql is None:
        monkeypatch.delenv("SALONBOOK_GRAPHIQL", raising=False)
    else:
        monkeypatch.setenv("SALONBOOK_GRAPHIQL", graphiql)
    return Settings()


@contextlib.asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app without its lifespan: the page and its assets need no database."""
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://salonbook.test") as client:
        yield client


@pytest.mark.parametrize(
    ("graphiql", "served"),
    [(None, False), ("false", False), ("true", True)],
    ids=["by default", "turned off", "turned on"],
)
async def test_production_serves_graphiql_only_when_the_setting_says(
    monkeypatch: pytest.MonkeyPatch, graphiql: str | None, served: bool
) -> None:
    async with _client(_production(monkeypatch, graphiql)) as http:
        page = await http.get("/graphql", headers=BROWSER)
        asset = await http.get(f"{STATIC_URL}/LICENSE.graphiql.txt")
    if served:
        assert (page.status_code, asset.status_code) == (200, 200)
        assert "GraphiQL.createFetcher" in page.text
    else:  # what strawberry answers without an IDE, as a GraphQL error
        assert page.status_code == 404
        assert page.json()["errors"][0]["message"] == "Not Found"
        assert asset.status_code == 404


@pytest.mark.parametrize(("graphiql", "served"), [(None, True), ("false", False)])
async def test_development_serves_graphiql_unless_turned_off(
    monkeypatch: pytest.MonkeyPatch, graphiql: str | None, served: bool
) -> None:
    monkeypatch.delenv("SALONBOOK_ENV", raising=False)
    if graphiql is None:
        monkeypatch.delenv("SALONBOOK_GRAPHIQL", raising=False)
    else:
        monkeypatch.setenv("SALONBOOK_GRAPHIQL", graphiql)
    async with _client(Settings()) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == (200 if served else 404)
