"""Which links count as "wanted pages": internal Markdown links to pages that do not exist."""

from __future__ import annotations

import pytest

from kennis_mkdocs.wanted.links import missing_links, resolve

RESOLVE = [
    ("sibling", "kitchen/close.md", "fire.md", "kitchen/fire.md"),
    ("parent", "kitchen/close.md", "../people/rota.md#week", "people/rota.md"),
    ("query", "a.md", "b.md?x=1", "b.md"),
    ("outside-docs", "a.md", "../README.md", None),
    ("external", "a.md", "https://example.com/x.md", None),
    ("mailto", "a.md", "mailto:x@example.com", None),
    ("absolute", "a.md", "/x.md", None),
    ("anchor-only", "a.md", "#top", None),
    ("not-markdown", "a.md", "img/plan.png", None),
]


@pytest.mark.parametrize(
    ("src", "target", "expected"), [r[1:] for r in RESOLVE], ids=[r[0] for r in RESOLVE]
)
def test_resolve(src: str, target: str, expected: str | None) -> None:
    assert resolve(src, target) == expected


SOURCES = [
    ("inline", "See [fire](fire.md).", {"fire.md"}),
    ("titled", 'See [fire](fire.md "Fire safety").', {"fire.md"}),
    ("angle", "See [fire](<fire.md>).", {"fire.md"}),
    ("reference", "See [fire][f].\n\n[f]: fire.md\n", {"fire.md"}),
    ("existing", "See [home](index.md).", set()),
    ("inline-code", "Write `[x](nowhere.md)` like this.", set()),
    ("fenced-code", "```md\n[x](nowhere.md)\n```\n", set()),
    ("comment", "<!-- [x](nowhere.md) -->", set()),
    ("image-of-page", "![x](gone.md)", {"gone.md"}),
]


@pytest.mark.parametrize(
    ("markdown", "wanted"), [s[1:] for s in SOURCES], ids=[s[0] for s in SOURCES]
)
def test_missing_links(markdown: str, wanted: set[str]) -> None:
    found = missing_links({"a.md": markdown}, lambda path: path in {"a.md", "index.md"})
    assert set(found) == wanted
    assert all(linkers == {"a.md"} for linkers in found.values())
