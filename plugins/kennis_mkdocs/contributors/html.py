"""The rows of the Contributors table: the package's ``_contributor_rows.html``, written in Python.

Through Jinja a row cost ~40 µs: twelve cells, each an attribute look-up and an escape (issue
19). When the template is not overridden in ``custom_dir``, ``contributor_rows`` writes the same
HTML byte for byte (``tests/test_contributors_html.py`` compares both, in two languages, with
hostile names); an overridden template is rendered by Jinja. People still go through
``person()``, so an overridden ``_people.html`` keeps deciding how they look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import cast

import jinja2
from markupsafe import Markup, escape

from kennis.i18n import Translator

from ..render import Link, TimeTags, overridden
from .report import Contributor

TEMPLATE = "kennis/_contributor_rows.html"
Rows = Callable[[Iterable[Contributor]], Markup]


def contributor_rows(
    env: jinja2.Environment, tr: Translator, milestone: Callable[[int], int | None]
) -> Rows:
    """``contributor_rows(people)`` for the Contributors template: Python's, or the override's."""
    if overridden(env, TEMPLATE):
        template = env.get_template(TEMPLATE)
        return lambda people: Markup(template.render(people=people, milestone=milestone))
    person = cast(Callable[[Link], Markup], env.globals["person"])
    return ContributorRows(tr, person, milestone)


class ContributorRows:
    """Writes the rows as the package's ``_contributor_rows.html`` would."""

    def __init__(
        self,
        tr: Translator,
        person: Callable[[Link], Markup],
        milestone: Callable[[int], int | None],
    ) -> None:
        self.person = person
        self.milestone = milestone
        self.time = TimeTags(tr)
        self.badge_title = escape(tr._("milestone"))

    def __call__(self, people: Iterable[Contributor]) -> Markup:
        return Markup("".join([self.row(c) for c in people]))

    def row(self, c: Contributor) -> str:
        link, pages = c.link, len(c.pages)
        level = self.milestone(pages)
        badge = (
            f' <span class="kennis-milestone" title="{self.badge_title}">{escape(level)}+</span>'
            if level
            else ""
        )
        first = self.time(c.first) if c.first else ""
        return (
            f'<tr data-contributor="{escape(link.text)}"><td>{self.person(link)}{badge}</td>'
            f'<td class="kennis-num" data-count="pages">{pages}</td>'
            f'<td class="kennis-num" data-count="started">{len(c.started)}</td>'
            f'<td class="kennis-num" data-count="coauthored">{len(c.coauthored)}</td>'
            f'<td class="kennis-num" data-count="edits">{c.edits}</td>'
            f'<td class="kennis-num" data-count="confirmed">{c.confirmed} '
            f'<small data-count="on-time">({c.on_time})</small></td>'
            f'<td class="kennis-num" data-count="reviews">{c.reviews}</td>'
            f'<td class="kennis-num" data-count="requests">{c.requests}</td>'
            f'<td class="kennis-num" data-count="feedback">{c.feedback}</td>'
            f'<td class="kennis-num" data-count="handed-over">{c.handed_over}</td>'
            f'<td class="kennis-num" data-count="archived">{c.archived}</td>'
            f"<td>{first}</td></tr>\n"
        )
