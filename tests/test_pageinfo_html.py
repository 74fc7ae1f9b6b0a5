"""The Python page info box and banner (pageinfo/html.py) write what the package's templates do.

Both are rendered over every shape of ``PageInfo`` a build can make — each freshness state,
status, banner, with and without owner, co-authors, teams, reviewers, contributors hidden behind
"and N more", requests and report links, hostile text — in English and Dutch, and compared byte
for byte. A template overridden in ``custom_dir`` is rendered by Jinja (test_site_build.py).
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from plugins.kennis_mkdocs.language import site_translator
from plugins.kennis_mkdocs.pageinfo.html import PageInfoHtml
from plugins.kennis_mkdocs.pageinfo.renderer import PageInfoRenderer
from plugins.kennis_mkdocs.pageinfo.view import PageInfo, _quote
from plugins.kennis_mkdocs.render import Link, environment
from tests.sitekit import XSS

PEOPLE_MACROS = "kennis/_people.html"

ALICE = Link("@alice", "https://github.com/alice")
TEAM = Link("@acme/kitchen-leads", "https://github.com/orgs/acme/teams/kitchen-leads", team=True)
GIT_AUTHOR = Link("Jo O'Brien & Co", None)
HOSTILE = Link(XSS, 'https://github.com/x"onmouseover="alert(1)')
PEOPLE = (ALICE, TEAM, GIT_AUTHOR, HOSTILE)
DAYS = (None, date(2019, 9, 10), date(2026, 2, 28))
URLS = (None, "https://github.com/acme/kb/issues/new?title=A%20%22b%22&body=<x>&labels=outdated")


def config(tmp_path: Path, language: str) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    yml = tmp_path / f"mkdocs-{language}.yml"
    yml.write_text(f"site_name: KB\ntheme:\n  name: material\n  language: {language}\n")
    return load_config(str(yml))


def infos(seed: int, count: int) -> list[PageInfo]:
    """Random page infos from every field's possible values, plus each banner without extras."""
    rnd = random.Random(seed)

    def some(n: int) -> tuple[Link, ...]:
        return tuple(rnd.sample(PEOPLE, n))

    made = []
    for i in range(count):
        shown = some(rnd.choice((0, 1, 3)))
        hidden = some(rnd.choice((1, 2))) if shown and rnd.random() < 0.4 else ()
        made.append(
            PageInfo(
                title=f"Page {i}",
                path=f"content/p{i}.md",
                state=rnd.choice(("evergreen", "fresh", "due_soon", "due", "overdue")),
                state_label=rnd.choice(("Fresh", "Overdue for review", XSS)),
                type_label=rnd.choice(("How-to", "Odd & <new>")),
                status=rnd.choice(("published", "draft", "archived", "wanted")),
                status_label=rnd.choice(("Draft", "Wanted", 'A "quoted" one')),
                owner=rnd.choice((None, ALICE, TEAM, HOSTILE)),
                coauthors=some(rnd.choice((0, 0, 1, 2))),
                reviewed=rnd.choice(DAYS),
                reviewed_by=rnd.choice((None, ALICE, TEAM)),
                last_edited=rnd.choice(DAYS),
                contributors=shown,
                more_contributors=len(hidden),
                due=rnd.choice(DAYS),
                since=rnd.choice(DAYS),
                days_overdue=rnd.choice((0, 1, 2, 2641)),
                report_url=rnd.choice(URLS),
                banner=rnd.choice((None, "due", "overdue", "archived")),
                hidden_contributors=hidden,
                archived=rnd.choice(DAYS),
                requested_in=rnd.choice((None, "https://github.com/acme/kb/issues/7?a=1&b=<2>")),
            )
        )
    return made


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_python_twin_writes_the_templates_html_byte_for_byte(
    tmp_path: Path, language: str
) -> None:
    cfg = config(tmp_path, language)
    env = environment(cfg)
    box, banner = env.get_template("kennis/pageinfo.html"), env.get_template("kennis/banner.html")
    html = PageInfoHtml(site_translator(cfg), env.globals["person"], env.globals["people"])
    checked = set()
    for info in infos(seed=19, count=1500):
        assert html.box(info) == box.render(info=info), info
        if info.banner:
            assert html.banner(info) == banner.render(info=info), info
            checked.add((info.banner, bool(info.since), bool(info.ask), bool(info.report_url)))
    assert len(checked) == 3 * 2 * 2 * 2  # every banner with and without each extra


@pytest.mark.parametrize("language", ["en", "nl"])
def test_each_person_is_written_as_the_packages_macro_writes_them(
    tmp_path: Path, language: str
) -> None:
    env = environment(config(tmp_path, language))
    person = env.globals["person"]
    person(ALICE)  # written in Python: the template is not even loaded
    assert env.cache is not None and not any(t.name == PEOPLE_MACROS for t in env.cache.values())
    macro = env.get_template(PEOPLE_MACROS).module.person
    links = [ALICE, TEAM, GIT_AUTHOR, HOSTILE, Link(XSS, None, team=True), Link("x", "")]
    for link in links:
        assert person(link) == macro(link), link
    assert env.globals["people"](links) == env.get_template(PEOPLE_MACROS).module.people(links)


def test_the_renderer_takes_the_python_twin_only_for_the_packages_own_templates(
    tmp_path: Path,
) -> None:
    cfg = config(tmp_path, "en")
    assert PageInfoRenderer({}, environment(cfg), site_translator(cfg)).html is not None
    overrides = tmp_path / "overrides" / "kennis"
    overrides.mkdir(parents=True)
    (overrides / "banner.html").write_text("{{ info.banner }}")
    yml = tmp_path / "custom.yml"
    yml.write_text("site_name: KB\ntheme:\n  name: material\n  custom_dir: overrides\n")
    custom = load_config(str(yml))
    renderer = PageInfoRenderer(
        {"a.md": infos(seed=1, count=1)[0]}, environment(custom), site_translator(custom)
    )
    assert renderer.html is None


def test_the_report_links_quoting_is_urllibs() -> None:
    """The pre-filled issue link quotes ASCII text in one call, exactly as ``urlencode`` did."""
    texts = ["".join(map(chr, range(128))), "Outdated: **Kassa** (`a/b.md`)\n@x", "Überstunden ✓ ∞"]
    for text in texts:
        assert _quote(text) == quote(text, safe="")
