"""The docs' links, and the code's pointers into the docs, lead somewhere: every relative link in
README.md and docs/ names a file of the repository (and a heading of it, when it has an anchor),
and every docs file, or heading of one or of the README, that code, tests or benchmarks cite
exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CITED = re.compile(r"\b((?:docs/[\w-]+\.md|README\.md))(?:#([\w-]+))?")


def anchors(document: Path) -> set[str]:
    """The anchors GitHub gives the document's headings."""
    found: set[str] = set()
    fenced = False
    for line in document.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not line.startswith("#"):
            continue
        title = line.lstrip("#").strip().lower()
        slug = re.sub(r"[^\w\- ]", "", title).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def _broken(target: Path, anchor: str | None, where: str) -> list[str]:
    if not target.exists():
        return [f"{where}: {target.relative_to(ROOT)} does not exist"]
    if anchor and target.suffix == ".md" and anchor not in anchors(target):
        return [f"{where}: no heading #{anchor} in {target.relative_to(ROOT)}"]
    return []


def test_relative_links_in_the_docs_lead_somewhere() -> None:
    broken: list[str] = []
    for document in DOCUMENTS:
        for link in _LINK.findall(document.read_text()):
            if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
                continue
            path, _, anchor = link.partition("#")
            target = (document.parent / path).resolve() if path else document
            broken += _broken(target, anchor or None, document.name)
    assert broken == []


def test_the_docs_that_code_and_tests_cite_exist() -> None:
    broken: list[str] = []
    for folder in ("salonbook", "tests", "bench"):
        for source in sorted((ROOT / folder).rglob("*.py")):
            for name, anchor in _CITED.findall(source.read_text()):
                where = str(source.relative_to(ROOT))
                broken += _broken(ROOT / name, anchor or None, where)
    assert broken == []
