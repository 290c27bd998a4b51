"""Docstrings and comments cite contracts that a fresh clone actually has.

The contracts once lived in a design file outside the repository, so a newcomer could not
follow a citation. They are in `docs/` now (docs/contracts.md#vocabulary and the other
sections): no source file may cite the old file, and every `docs/<name>.md#<section>` cited
must exist, section included, as must every relative link in those documents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["domain", "workflows", "activities", "store", "cli", "api", "tests", "scripts"]
SOURCES = sorted(
    [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    + [ROOT / name for name in ("worker.py", "starter.py", "settings.py")
       if (ROOT / name).exists()])
DOCUMENTS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
OLD_DESIGN_FILE = "DESIGN" + ".md"  # spelled apart so this file does not cite it
CITATION = re.compile(r"(?<![\w./-])(docs/[\w./-]+\.md)(?:#([\w-]+))?")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def anchors(document: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", text(document), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def citations() -> list[tuple[Path, str, str | None]]:
    return [(path, match[1], match[2] or None)
            for path in SOURCES for match in CITATION.finditer(text(path))]


def test_the_sources_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"domain/vocabulary.py", "workflows/memo.py", "worker.py"} <= names


@pytest.mark.parametrize("path", SOURCES + DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_cites_the_design_file_outside_the_repository(path: Path) -> None:
    assert OLD_DESIGN_FILE not in text(path)


def test_the_contracts_are_cited() -> None:
    cited = {(p.relative_to(ROOT).as_posix(), doc, anchor) for p, doc, anchor in citations()}
    assert ("domain/vocabulary.py", "docs/contracts.md", "vocabulary") in cited
    assert ("domain/views.py", "docs/contracts.md", "memo-view") in cited


def test_every_cited_document_and_section_exists() -> None:
    for path, document, anchor in citations():
        where = f"{path.relative_to(ROOT)} cites {document}#{anchor}"
        assert (ROOT / document).is_file(), where
        if anchor is not None:
            assert anchor in anchors(ROOT / document), where


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_in_the_documents_resolve(document: Path) -> None:
    for link in MARKDOWN_LINK.findall(text(document)):
        if re.match(r"[a-z]+:", link):  # http:, https:, mailto:
            continue
        target, _, anchor = link.partition("#")
        linked = (document.parent / target).resolve() if target else document
        assert linked.exists(), f"{document.name}: {link}"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{document.name}: {link}"
