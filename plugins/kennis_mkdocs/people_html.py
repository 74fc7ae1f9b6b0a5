"""``person`` and ``people`` for the templates: each link rendered once per build, not per page.

They are the macros of ``kennis/_people.html`` (override that file in ``custom_dir`` and these
follow it), called once per person and kept: a Jinja macro call costs ~15 µs, and every page
names its owner and up to eight contributors, mostly the same few hundred people (issue 19).
While the package's own file is the one in use, its ``person`` macro is written out in Python
(`own_person`, the same HTML byte for byte): even once per person, the macro calls were ~16 M
instructions of a 300-page build with 600 people in it, and the template is then never loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import jinja2
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .render import Link

TEMPLATE = "kennis/_people.html"


def install_people(env: jinja2.Environment, own_template: str) -> None:
    """Add the cached ``person``/``people`` globals to *env* (one cache per environment).

    ``people`` joins ``person`` with ", " as the package's macro does; when ``_people.html`` is
    overridden, its own ``people`` macro is called instead (its list may be written otherwise).
    """
    macros: Any = None
    overridden: bool | None = None
    own: Callable[[Link], str] | None = None
    seen: dict[Link, Markup] = {}

    def module() -> Any:
        nonlocal macros, overridden, own
        if overridden is None:
            loader = env.loader
            overridden = loader is not None and loader.get_source(env, TEMPLATE)[1] != own_template
            if not overridden:
                own = own_person(str(cast(Callable[[str], str], env.globals["_"])("team")))
        if macros is None and overridden:
            macros = env.get_template(TEMPLATE).module
        return macros

    def person(link: Link) -> Markup:
        html = seen.get(link)
        if html is None:
            made = module()
            html = seen[link] = Markup(own(link) if own is not None else made.person(link))
        return html

    def people(links: Iterable[Link]) -> Markup:
        if module() is not None:  # an overridden file: its own people macro
            return Markup(macros.people(links))
        known = seen.get
        return Markup(", ".join([known(link) or person(link) for link in links]))  # all Markup

    env.globals.update(person=person, people=people)


def own_person(team: str) -> Callable[[Link], str]:
    """The package's ``person`` macro in Python; ``team``: the word "team", translated, as HTML."""

    def person(link: Link) -> str:
        text = escape(link.text)
        if not link.url:
            html = f'<span class="kennis-person">{text}</span>'
        elif link.team:
            html = (
                f'<a class="kennis-person kennis-person--team" href="{escape(link.url)}" '
                f'title="{team}">{text}</a>'
            )
        else:
            html = f'<a class="kennis-person" href="{escape(link.url)}">{text}</a>'
        return f'{html} <span class="kennis-team-badge">{team}</span>' if link.team else html

    return person
