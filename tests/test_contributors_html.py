"""The Python rows of the Contributors table (contributors/html.py) are the template's, byte for byte.

Rendered over every shape a row takes — linked and unlinked people, teams, hostile names, with
and without a milestone and a first contribution, zero and large counts — in English and Dutch.
An overridden ``_contributor_rows.html`` in ``custom_dir`` is rendered by Jinja instead.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from markupsafe import Markup
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from kennis.history import Person
from plugins.kennis_mkdocs.contributors.html import ContributorRows, contributor_rows
from plugins.kennis_mkdocs.contributors.report import Contributor, milestone
from plugins.kennis_mkdocs.language import site_translator
from plugins.kennis_mkdocs.render import environment
from tests.sitekit import XSS

PEOPLE = (
    Person("alice", "1+alice@users.noreply.github.com"),
    Person("Jo O'Brien & Co", "jo@example.com"),
    Person(XSS, 'x"@users.noreply.github.com'),
    Person("", "only@example.com"),
)
LEVELS = [1, 5, 10, 25]


def config(tmp_path: Path, language: str, extra: str = "") -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    yml = tmp_path / f"mkdocs-{language}.yml"
    yml.write_text(f"site_name: KB\ntheme:\n  name: material\n  language: {language}\n{extra}")
    return load_config(str(yml))


def contributors(seed: int, count: int) -> list[Contributor]:
    rnd = random.Random(seed)
    made = []
    for _ in range(count):
        c = Contributor(rnd.choice(PEOPLE))
        c.pages = {f"p{i}.md" for i in range(rnd.choice((0, 1, 4, 5, 12, 30)))}
        c.started = {p for p in c.pages if rnd.random() < 0.5}
        c.coauthored = {p for p in c.pages if rnd.random() < 0.3}
        c.edits = rnd.choice((0, 1, 7, 12345))
        c.first = rnd.choice((None, date(2019, 9, 10), date(2026, 2, 28)))
        c.confirmed, c.on_time = rnd.choice(((0, 0), (3, 1), (1000, 999)))
        c.reviews, c.requests, c.feedback = rnd.randrange(3), rnd.randrange(3), rnd.randrange(3)
        c.handed_over, c.archived = rnd.randrange(2), rnd.randrange(2)
        made.append(c)
    return made


def reached(n: int) -> int | None:
    return milestone(n, LEVELS)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_python_rows_are_the_templates_byte_for_byte(tmp_path: Path, language: str) -> None:
    cfg = config(tmp_path, language)
    env = environment(cfg)
    template = env.get_template("kennis/_contributor_rows.html")
    rows = contributor_rows(env, site_translator(cfg), reached)
    assert isinstance(rows, ContributorRows)
    people = contributors(seed=19, count=400)
    expected = template.render(people=people, milestone=reached)
    assert rows(people) == expected
    assert isinstance(rows(people), Markup)
    assert XSS not in expected and "&lt;" in expected  # the hostile name is escaped
    assert rows([]) == template.render(people=[], milestone=reached) == ""


def test_an_overridden_rows_template_is_rendered_by_jinja(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides" / "kennis"
    overrides.mkdir(parents=True)
    (overrides / "_contributor_rows.html").write_text(
        "{% for c in people %}<tr><td>{{ c.link.text }} {{ milestone(c.pages|length) }}</td></tr>"
        "{% endfor %}"
    )
    cfg = config(tmp_path, "en", "  custom_dir: overrides\n")
    rows = contributor_rows(environment(cfg), site_translator(cfg), reached)
    assert not isinstance(rows, ContributorRows)
    people = contributors(seed=1, count=2)
    people[0].pages, people[1].pages = {"a.md"}, set()
    first, second = (c.link.text for c in people)
    assert rows(people) == Markup(
        f"<tr><td>{Markup.escape(first)} 1</td></tr><tr><td>{Markup.escape(second)} None</td></tr>"
    )
