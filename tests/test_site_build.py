"""Real ``mkdocs build --strict`` of a git repository made in tmp_path: what readers see."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sitekit import AS_OF, REPO_URL, SITE_URL, XSS, Built, build, make_kb, mkdocs_yml


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("kb") / "repo"
    make_kb(root)
    built = build(root, "--verbose")
    assert built.returncode == 0, built.output
    return built


def info_box(html: str) -> str:
    match = re.search(r'<aside class="kennis-pageinfo".*?</aside>', html, re.S)
    assert match, "no page info box"
    return match.group(0)


STATES = [
    ("", "fresh"),
    ("kitchen/closing/", "overdue"),
    ("kitchen/fridge/", "due"),
    ("kitchen/soon/", "due_soon"),
    ("evergreen/", "evergreen"),
    ("orphan/", "fresh"),
]


@pytest.mark.parametrize(("url", "state"), STATES, ids=[s for _, s in STATES[:5]] + ["orphan"])
def test_every_page_shows_its_freshness_state(site: Built, url: str, state: str) -> None:
    assert f'data-kennis-state="{state}"' in info_box(site.html(url))


@pytest.mark.parametrize(("url", "state"), STATES, ids=[s for _, s in STATES[:5]] + ["orphan"])
def test_banner_only_on_due_and_overdue_pages(site: Built, url: str, state: str) -> None:
    html = site.html(url)
    banners = re.findall(r'data-kennis-banner="(\w+)"', html)
    assert banners == ([state] if state in ("due", "overdue") else [])


def test_overdue_banner_is_stronger_and_says_since_when_and_who_to_ask(site: Built) -> None:
    html = site.html("kitchen/closing/")
    banner = re.search(r'<div class="admonition danger kennis-banner.*?</div>', html, re.S)
    assert banner, "overdue banner is not a danger admonition"
    text = banner.group(0)
    assert '<time datetime="2024-01-10">10 January 2024</time>' in text  # not confirmed since
    assert '<time datetime="2025-01-10">' in text  # due date
    assert "507 days ago" in text
    assert 'href="https://github.com/orgs/acme/teams/kitchen-leads"' in text
    assert 'href="https://github.com/bob"' in text
    assert 'class="admonition warning kennis-banner' in site.html("kitchen/fridge/")


def test_page_info_names_owner_team_coauthors_review_and_last_edit(site: Built) -> None:
    box = info_box(site.html("kitchen/closing/"))
    assert 'href="https://github.com/orgs/acme/teams/kitchen-leads"' in box
    assert '<span class="kennis-team-badge">team</span>' in box
    assert 'href="https://github.com/bob">@bob</a>' in box
    assert re.search(r'Reviewed</dt><dd><time datetime="2024-01-10">.*? by <a [^>]*>@bob</a>', box)
    assert 'Last edited</dt><dd><time datetime="2024-01-05">' in box
    assert "Checklist" in box
    assert "Alice Example" in box


def test_contributors_on_a_page_include_co_authors_from_trailers(site: Built) -> None:
    box = info_box(site.html("kitchen/fridge/"))
    assert 'Last edited</dt><dd><time datetime="2026-05-20">' in box
    assert '<a class="kennis-person" href="https://github.com/bob">Bob Builder</a>' in box
    assert "Dana Newcomer" in box


def test_report_outdated_opens_a_prefilled_issue_naming_the_owner(site: Built) -> None:
    box = info_box(site.html("kitchen/closing/"))
    href = re.search(r'<a class="kennis-report md-button" href="([^"]+)"', box)
    assert href
    url = urlsplit(href.group(1).replace("&amp;", "&"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPO_URL}/issues/new"
    query = parse_qs(url.query)
    assert query["title"] == ["Outdated: Closing the kitchen"]
    assert query["labels"] == ["outdated"]
    body = query["body"][0]
    assert "`content/kitchen/closing.md`" in body
    assert f"{SITE_URL}kitchen/closing/" in body
    assert "Owner: @acme/kitchen-leads" in body
    assert "@bob" in body


def test_page_content_is_rendered_after_the_info_box(site: Built) -> None:
    html = site.html("kitchen/closing/")
    assert re.search(r"</aside>\s*<p>Some text.</p>", html), "page body missing or escaped"
    assert "&lt;p&gt;" not in html


def test_suggest_an_edit_is_materials_edit_button(site: Built) -> None:
    html = site.html("kitchen/closing/")
    assert f'href="{REPO_URL}/edit/main/content/kitchen/closing.md"' in html


def test_front_matter_is_escaped_everywhere(site: Built) -> None:
    pages = list(site.site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert XSS not in page.read_text(encoding="utf-8"), page
    html = site.html("tricky/")
    assert "<h1>&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; friends</h1>" in html
    assert "%3Cscript%3Ealert" in html  # in the issue link, URL-encoded


def health_count(html: str, section: str, state: str) -> int:
    row = re.search(rf'<tr data-section="{re.escape(section)}">.*?</tr>', html, re.S)
    assert row, f"no row for {section}"
    cell = re.search(rf'data-state="{state}" data-count="(\d+)"', row.group(0))
    total = re.search(r'data-count="total">(\d+)<', row.group(0))
    assert cell and total
    return int(total.group(1)) if state == "total" else int(cell.group(1))


HEALTH = [
    ("(all)", {"fresh": 4, "due_soon": 1, "due": 1, "overdue": 1, "evergreen": 1}),
    ("kitchen", {"fresh": 0, "due_soon": 1, "due": 1, "overdue": 1, "evergreen": 0}),
    ("(home)", {"fresh": 4, "due_soon": 0, "due": 0, "overdue": 0, "evergreen": 1}),
]


@pytest.mark.parametrize(("section", "counts"), HEALTH, ids=[h[0] for h in HEALTH])
def test_health_counts_pages_per_state_overall_and_per_section(
    site: Built, section: str, counts: dict[str, int]
) -> None:
    html = site.html("knowledge/health/")
    assert {s: health_count(html, section, s) for s in counts} == counts


def test_health_lists_overdue_by_owner_fallback_and_never_reviewed(site: Built) -> None:
    html = site.html("knowledge/health/")
    group = re.search(r'data-owner="@acme/kitchen-leads">.*?</section>', html, re.S)
    assert group and "Closing the kitchen" in group.group(0) and "507 days" in group.group(0)
    fallback = re.search(r'<ul class="kennis-fallback">.*?</ul>', html, re.S)
    assert fallback and "Lost and found" in fallback.group(0)
    assert "@acme/knowledge-team" in fallback.group(0)
    never = re.search(r'<ul class="kennis-never-reviewed">.*?</ul>', html, re.S)
    assert never
    assert {"Lost and found", "Our values"} <= set(re.findall(r">([^<]+)</a>", never.group(0)))
    assert 'href="../../kitchen/closing/"' in html
    assert f"{AS_OF[:4]}" in html


def test_contributors_credit_co_authors_and_welcome_newcomers(site: Built) -> None:
    html = site.html("knowledge/contributors/")
    dana = re.search(r'<tr data-contributor="Dana Newcomer">.*?</tr>', html, re.S)
    assert dana, "a Co-authored-by trailer earns no credit"
    assert 'data-count="coauthored">1<' in dana.group(0)
    newcomers = re.search(r'<ul class="kennis-newcomers">.*?</ul>', html, re.S)
    assert newcomers and "Dana Newcomer" in newcomers.group(0)
    assert "Alice Example" not in newcomers.group(0)  # first contribution 2024
    alice = re.search(r'<tr data-contributor="Alice Example">.*?</tr>', html, re.S)
    assert alice and 'data-count="pages">8<' in alice.group(0)
    assert re.search(r'data-milestone="5">.*?Alice Example', html)
    assert 'href="https://github.com/bob">Bob Builder</a>' in html


def test_wanted_lists_stubs_and_links_to_missing_pages(site: Built) -> None:
    html = site.html("knowledge/wanted/")
    assert re.search(
        r'<ul class="kennis-wanted-stubs">\s*<li[^>]*><a href="../../wanted/">'
        r"Allergen labels</a>",
        html,
    )
    missing = re.findall(r'data-missing="([^"]+)"', html)
    assert missing == ["kitchen/fire-drill.md"]  # the link inside inline code does not count
    assert 'linked from <a href="../../tricky/">' in html


def test_history_is_read_once_per_build(site: Built) -> None:
    assert site.output.count("read the history of") == 1


def test_nothing_is_written_into_the_content_folder(site: Built) -> None:
    from tests.gitrepo import GitRepo

    assert GitRepo(site.root, init=False).git("status", "--porcelain") == ""


def test_with_every_kennis_plugin_disabled_it_is_a_plain_material_site(tmp_path) -> None:
    root = tmp_path / "repo"
    make_kb(root).write("mkdocs.yml", mkdocs_yml(enabled=False)).commit("plain")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/closing/")
    assert "md-content" in html and "kennis" not in html
    assert not (built.site / "knowledge").exists()
    assert "read the history" not in built.output


def test_a_theme_custom_dir_overrides_the_page_info_template(tmp_path) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    text = mkdocs_yml().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    repo.write("mkdocs.yml", text)
    repo.write(
        "overrides/kennis/pageinfo.html",
        '<p class="house-style" data-kennis-state="{{ info.state }}">{{ info.title }}</p>\n',
    )
    repo.commit("house style")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/closing/")
    assert '<p class="house-style" data-kennis-state="overdue">Closing the kitchen</p>' in html
    assert "kennis-pageinfo" not in html
    assert 'data-kennis-banner="overdue"' in html  # the banner template was not overridden


def test_a_custom_people_template_names_people_on_every_page(tmp_path) -> None:
    """Each person is rendered once per build (people_html.py), still by the overridden macros."""
    root = tmp_path / "repo"
    repo = make_kb(root)
    text = mkdocs_yml().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    repo.write("mkdocs.yml", text)
    repo.write(
        "overrides/kennis/_people.html",
        '{% macro person(link) %}<b class="house">{{ link.text }}</b>{% endmacro %}\n'
        "{% macro people(links) %}{% for link in links %}{{ person(link) }}"
        "{% if not loop.last %} · {% endif %}{% endfor %}{% endmacro %}\n",
    )
    repo.commit("house style for people")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/closing/")
    assert '<b class="house">@bob</b>' in info_box(html)
    assert '<b class="house">@acme/kitchen-leads</b> · <b class="house">@bob</b>' in html
    assert 'class="kennis-person"' not in html
    assert '<b class="house">@acme/knowledge-team</b>' in built.html("knowledge/health/")


def test_search_indexes_the_page_not_kennis_banners_or_page_info(site: Built) -> None:
    """Material's search skips ``data-search-exclude``: results start with the page's own words."""
    docs = json.loads((site.site / "search" / "search_index.json").read_text())["docs"]
    text = "\n".join(doc["text"] for doc in docs)
    assert "overdue for review" not in text and "Report outdated" not in text
    assert "next review due" not in text and "Last edited" not in text
    closing = next(d for d in docs if d["location"] == "kitchen/closing/")
    assert closing["text"].startswith("<p>Some text.")
    # The report pages name every page: they would crowd out the pages themselves.
    locations = {d["location"].split("#")[0] for d in docs}
    assert "knowledge/health/" not in locations and "knowledge/contributors/" not in locations
    assert "knowledge/wanted/" in locations
