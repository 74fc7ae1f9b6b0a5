"""Which pull requests may be previewed with the base configuration, and their page URLs."""

from __future__ import annotations

import pytest

from kennis.gitrev import Change
from review_bot.previews import page_url, plan_preview


def changes(*entries: str) -> list[Change]:
    out = []
    for entry in entries:
        status, _, paths = entry.partition(" ")
        old, _, new = paths.partition(" -> ")
        out.append(Change(status, old, new or old))
    return out


PLANS = {  # case: (changes, pages previewed, a text the skip reason must contain)
    "content-only": (["M content/a.md", "A content/b/index.md"], ["content/a.md",
                                                                  "content/b/index.md"], None),
    "deleted-page-is-not-linked": (["D content/a.md", "M content/c.md"], ["content/c.md"], None),
    "readme-outside-content-is-harmless": (["M README.md", "M content/a.md"], ["content/a.md"],
                                           None),
    "mkdocs-yml": (["M mkdocs.yml", "M content/a.md"], [], "`mkdocs.yml`"),
    "kennis-config": (["M .github/kennis.yml"], [], "`.github/kennis.yml`"),
    "hook-file": (["A hooks/x.py"], [], "Python code (`hooks/x.py`)"),
    "python-in-content": (["A content/x.py"], [], "Python code (`content/x.py`)"),
    "overrides": (["M overrides/main.html"], [], "`overrides/main.html`"),
    "pyproject": (["M pyproject.toml"], [], "`pyproject.toml`"),
    "page-renamed-out-of-content": (["R content/a.md -> hooks/a.md"], [], "`hooks/a.md`"),
}


@pytest.mark.parametrize("case", list(PLANS), ids=list(PLANS))
def test_plan_preview(case: str) -> None:
    entries, pages, reason = PLANS[case]
    plan = plan_preview(changes(*entries), "content")
    assert list(plan.pages) == pages
    if reason is None:
        assert plan.reason is None
    else:
        assert plan.reason is not None and reason in plan.reason


@pytest.mark.parametrize(("path", "url"), [
    ("content/index.md", ""), ("content/a.md", "a/"), ("content/b/index.md", "b/"),
    ("content/b/README.md", "b/"), ("content/b/c.md", "b/c/"),
], ids=["home", "page", "section-index", "section-readme", "nested"])
def test_page_url(path: str, url: str) -> None:
    assert page_url(path, "content") == url
