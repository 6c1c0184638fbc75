"""The dashboard at /dashboard: its page with the UI contract's headers, its assets shipped in
the package and cached by name, nothing loaded from another host, and the demo people (with
working tokens) only when the server runs with --demo."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from salonbook.web.dashboard import STATIC, STATIC_URL
from tests.support.demo_app import demo_app

HEADERS = {
    "content-security-policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
TYPES = {".js": "text/javascript", ".css": "text/css"}
URL = re.compile(r"https?://[^\s\"'`<>)\\]+")
# XML namespace names in the framework's DOM code: they name a namespace, nothing is fetched
NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/XML/1998/namespace",
}
LICENCE_COMMENT = re.compile(r"/\*!.*?\*/|/\*\*?\s*@license.*?\*/|//[!@]\s*license.*", re.S)


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def _references(page: str) -> list[str]:
    parser = _References()
    parser.feed(page)
    return parser.urls


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/"])
async def test_the_page_comes_with_the_contracts_headers(
    http: httpx.AsyncClient, path: str
) -> None:
    page = await http.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-cache"
    for name, value in HEADERS.items():
        assert page.headers[name] == value, name
    assert "<title>salonbook dashboard</title>" in page.text


async def test_each_asset_the_page_names_is_served_for_good(http: httpx.AsyncClient) -> None:
    page = (await http.get("/dashboard")).text
    assets = [url for url in _references(page) if not url.startswith("data:")]
    assert {Path(url).suffix for url in assets} == {".js", ".css"}
    for url in assets:
        assert url.startswith(f"{STATIC_URL}/"), url
        answer = await http.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].split(";")[0] == TYPES[Path(url).suffix]
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.content == (STATIC / Path(url).name).read_bytes()
        assert b"sourceMappingURL" not in answer.content


async def test_files_without_a_hash_in_their_name_are_revalidated(
    http: httpx.AsyncClient,
) -> None:
    licences = sorted(path.name for path in STATIC.glob("LICENSE.*"))
    assert licences == ["LICENSE.graphql-ws.txt", "LICENSE.preact.txt"]
    for name in [*licences, "index.html"]:
        answer = await http.get(f"{STATIC_URL}/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["cache-control"] == "no-cache", name
    assert "MIT License" in (await http.get(f"{STATIC_URL}/LICENSE.preact.txt")).text


def test_nothing_shipped_references_another_host() -> None:
    shipped = [path for path in STATIC.iterdir() if path.suffix in (".html", ".js", ".css")]
    assert {path.suffix for path in shipped} == {".html", ".js", ".css"}
    for path in shipped:
        text = LICENCE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        assert set(URL.findall(text)) <= NAMESPACES, path.name
        assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?//""", text), path.name


async def test_no_demo_people_without_demo(http: httpx.AsyncClient) -> None:
    assert (await http.get("/dashboard/demo-people.json")).status_code == 404


@pytest.fixture(scope="module")
async def demo(server_url: str) -> AsyncIterator[Starlette]:
    async with demo_app(server_url) as app:
        yield app


async def test_the_demo_lists_its_people_with_tokens_that_work(demo: Starlette) -> None:
    transport = httpx.ASGITransport(app=demo)
    async with httpx.AsyncClient(transport=transport, base_url="http://demo.test") as client:
        answer = await client.get("/dashboard/demo-people.json")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        people = answer.json()
        assert [(p["displayName"], p["role"]) for p in people] == [
            ("Avery Admin", "ADMIN"),
            ("Sam Scissors", "STYLIST"),
            ("Rio Razor", "STYLIST"),
            ("Cleo Curl", "CUSTOMER"),
            ("Dan Dye", "CUSTOMER"),
            ("Eve Edge", "CUSTOMER"),
        ]
        for person in people:
            me = await client.post(
                "/graphql",
                json={"query": "{ me { id displayName } }"},
                headers={"Authorization": f"Bearer {person['token']}"},
            )
            found = me.json()["data"]["me"]
            assert found == {"id": person["id"], "displayName": person["displayName"]}
        page = await client.get("/dashboard")
        assert page.status_code == 200  # the page is the same with --demo
