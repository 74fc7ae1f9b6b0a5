"""kennis check warns when a big site renders its whole navigation into every page."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kennis.cli import main
from kennis.navigation import FULL_NAV_LIMIT, full_navigation_problems
from tests.kbfiles import page, write_tree

ROOT = Path(__file__).resolve().parent.parent
FULL = """site_name: KB
docs_dir: content
theme:
  name: material
  features:
    - navigation.tabs
    - navigation.sections
plugins:
  - search
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
"""
PRUNED = FULL.replace(
    "    - navigation.sections\n", "    - navigation.sections\n    - navigation.prune\n"
)
NO_FEATURES = "site_name: KB\ntheme:\n  name: material\n"
OTHER_THEME = "site_name: KB\ntheme: readthedocs\n"


@pytest.mark.parametrize(
    ("text", "pages", "where"),
    [
        (FULL, FULL_NAV_LIMIT + 1, (5, 3)),
        (NO_FEATURES, 10_000, (2, 1)),
        (PRUNED, 10_000, None),
        (FULL, FULL_NAV_LIMIT, None),
        (OTHER_THEME, 10_000, None),
        ("site_name: [unclosed\n", 10_000, None),
    ],
    ids=["full-nav-501", "no-features", "pruned", "500-pages", "not-material", "unreadable"],
)
def test_full_navigation_warning(tmp_path, text, pages, where):
    (tmp_path / "mkdocs.yml").write_text(text)
    found = full_navigation_problems(tmp_path / "mkdocs.yml", pages)
    if where is None:
        assert found == []
        return
    [problem] = found
    assert (problem.path, problem.line, problem.col, problem.severity) == (
        "mkdocs.yml",
        *where,
        "warning",
    )
    assert "navigation.prune" in problem.message and f"{pages} pages" in problem.message


def test_the_starter_site_is_linear():
    """The mkdocs.yml new knowledge bases start from prunes its navigation."""
    assert full_navigation_problems(ROOT / "mkdocs.yml", 10_000) == []


def test_kennis_check_warns_on_a_big_site_with_the_whole_navigation(tmp_path, monkeypatch):
    files = {f"content/p{i}.md": page(owner='"@alice"', title=f"P{i}") for i in range(501)}
    write_tree(tmp_path, {".github/kennis.yml": 'fallback_owner: "@acme/kb"\n', **files})
    (tmp_path / ".git").mkdir()
    (tmp_path / "mkdocs.yml").write_text(FULL)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert result.exit_code == 0  # a warning, not an error
    assert (
        "mkdocs.yml:5:3: warning: 501 pages and the theme renders the whole navigation"
        in result.output
    )
    assert CliRunner().invoke(main, ["check", "--strict"]).exit_code == 1
    (tmp_path / "mkdocs.yml").write_text(PRUNED)
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert "navigation" not in result.output and "all good" in result.output
