"""The Knowledge health page's long lists: the first ``list_limit`` pages, the rest in health.csv."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.sitekit import PAGES, Built, build, make_kb, page

FORMULA = '=HYPERLINK("http://evil.example","click")'


def built_with(tmp_path_factory: pytest.TempPathFactory, options: str) -> Built:
    root = tmp_path_factory.mktemp("kb") / "repo"
    pages = {**PAGES, "content/formula.md": page(f"'{FORMULA}'", owner="'@bob'")}
    repo = make_kb(root, pages)
    yml = (root / "mkdocs.yml").read_text().replace("  - kennis/health: {}", options)
    repo.write("mkdocs.yml", yml)  # not content: no commit needed
    built = build(root)
    assert built.returncode == 0, built.output
    return built


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built_with(tmp_path_factory, "  - kennis/health:\n      list_limit: 1")


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return built_with(tmp_path_factory, "  - kennis/health: {}")


def listed(html: str, css: str) -> list[str]:
    found = re.search(rf'<ul class="{css}">(.*?)</ul>', html, re.S)
    assert found, f"no {css} list"
    return re.findall(r'<li data-path="([^"]+)"', found.group(1))


def rows(built: Built) -> list[dict[str, str]]:
    text = (built.site / "knowledge" / "health.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def in_csv(built: Built, name: str) -> list[str]:
    return [row["path"] for row in rows(built) if row["list"] == name]


def more(html: str, css: str) -> str:
    """The "And N more" line right after a list."""
    found = re.search(rf'<ul class="{css}">.*?</ul>\s*(<p class="kennis-more".*?</p>)', html, re.S)
    assert found, f"no 'more' line after {css}"
    return found.group(1)


def test_a_long_list_shows_its_first_pages_and_counts_the_rest(cut: Built) -> None:
    html = cut.html("knowledge/health/")
    never = in_csv(cut, "never_reviewed")
    assert len(never) >= 3
    assert listed(html, "kennis-never-reviewed") == never[:1]
    line = more(html, "kennis-never-reviewed")
    assert f'data-hidden="{len(never) - 1}"' in line
    assert f"And {len(never) - 1} more pages" in line
    assert '<a href="../health.csv" download>health.csv</a>' in line


def test_overdue_pages_are_cut_across_owners_and_each_owner_keeps_the_count(cut: Built) -> None:
    html = cut.html("knowledge/health/")
    overdue = in_csv(cut, "overdue")
    assert len(overdue) >= 2
    shown = re.findall(r'<section class="kennis-owner-group".*?</section>', html, re.S)
    assert len(shown) == 1 and len(re.findall(r"<li ", shown[0])) == 1
    assert f'data-hidden="{len(overdue) - 1}"' in html


def test_the_csv_has_every_page_the_whole_page_lists(whole: Built) -> None:
    html = whole.html("knowledge/health/")
    assert listed(html, "kennis-never-reviewed") == in_csv(whole, "never_reviewed")
    assert listed(html, "kennis-fallback") == in_csv(whole, "no_real_owner")
    overdue = re.findall(r'<section class="kennis-owner-group".*?</section>', html, re.S)
    paths = [p for group in overdue for p in re.findall(r'<li data-path="([^"]+)"', group)]
    assert paths == in_csv(whole, "overdue")
    assert 'class="kennis-more"' not in html


def test_csv_cells_cannot_run_as_spreadsheet_formulas(whole: Built) -> None:
    formula = [row for row in rows(whole) if row["path"] == "content/formula.md"]
    assert formula, "the page titled with a formula is not listed"
    for row in formula:
        assert row["title"] == "'" + FORMULA
        assert row["owner"] == "bob"
