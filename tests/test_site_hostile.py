"""Hostile page values in a real ``mkdocs build``: no traceback, nothing reaches the HTML raw."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from kennis_mkdocs.pageinfo.renderer import escape_derived_title, escape_section_titles
from tests.sitekit import build, make_kb, mkdocs_yml, page

HOME = {"content/index.md": page("Home", owner='"@alice"', reviewed="2026-03-01")}
TAG = "<img src=x onerror=alert(7)>"


def test_a_date_past_the_calendar_stops_the_build_with_its_place_not_a_traceback(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    make_kb(root, {**HOME, "content/far.md": page("Far", owner='"@bob"', reviewed="9999-12-31")})
    built = build(root)
    assert built.returncode != 0
    assert "content/far.md:4:11: reviewed: the due date cannot be computed" in built.output
    assert "Traceback" not in built.output


def test_a_page_named_like_an_html_tag_stops_the_build_and_never_reaches_the_site(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    untitled = "---\nowner: '@bob'\nreviewed: 2026-03-01\n---\n\nNo heading here.\n"
    make_kb(root, {**HOME, f"content/{TAG}.md": untitled})
    built = build(root)
    assert built.returncode != 0
    assert f"content/{TAG}.md: the file or folder name contains '<', '>'" in built.output
    written = [p.read_text() for p in built.site.rglob("*.html")] if built.site.exists() else []
    assert not any(TAG in html for html in written)


def test_description_and_tags_are_escaped_before_the_theme_prints_them(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    hostile = page(
        "Tagged",
        owner='"@bob"',
        reviewed="2026-03-01",
        description="'\"><script>alert(1)</script>'",
        tags=f"['{TAG}', 'kitchen & bar']",
    )
    repo = make_kb(root, {**HOME, "content/tagged.md": hostile})
    repo.write("mkdocs.yml", mkdocs_yml(extra="  - tags\n"))
    repo.commit("Tags plugin", date="2026-05-02T10:00:00+00:00")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("tagged/")
    assert "<script>alert(1)</script>" not in html and TAG not in html
    assert '<meta name="description" content="&#34;&gt;&lt;script&gt;alert(1)' in html
    assert "&lt;img src=x onerror=alert(7)&gt;" in html
    assert "kitchen &amp; bar" in html


def _page(tmp_path: Path, src_uri: str, markdown: str) -> Page:
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path)})
    file = File(src_uri, str(tmp_path), str(tmp_path / "site"), use_directory_urls=True)
    page = Page(None, file, config)
    page.markdown, page.meta = markdown, {}
    return page


def test_a_title_made_from_the_file_name_is_escaped_but_a_heading_is_left_alone(
    tmp_path: Path,
) -> None:
    named = _page(tmp_path, f"{TAG}.md", "No heading.\n")
    escape_derived_title(named)
    assert named.title == "&lt;img src=x onerror=alert(7)&gt;"
    headed = _page(tmp_path, "r-and-d.md", "# R &amp; D\n")
    escape_derived_title(headed)
    assert headed.title == "R &amp; D"  # MkDocs gives heading text as HTML already
    section = Section("<b>kitchen</b>", [Section("a & b", [])])
    escape_section_titles([section])
    assert (section.title, section.children[0].title) == (
        "&lt;b&gt;kitchen&lt;/b&gt;",
        "a &amp; b",
    )
