"""``person`` and ``people`` for the templates: each link rendered once per build, not per page.

They are the macros of ``kennis/_people.html`` (override that file in ``custom_dir`` and these
follow it), called once per person and kept: a Jinja macro call costs ~15 µs, and every page
names its owner and up to eight contributors, mostly the same few hundred people (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

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
    seen: dict[Link, Markup] = {}

    def module() -> Any:
        nonlocal macros, overridden
        if macros is None:
            template = env.get_template(TEMPLATE)
            macros, overridden = template.module, template.filename != own_template
        return macros

    def person(link: Link) -> Markup:
        html = seen.get(link)
        if html is None:
            html = seen[link] = Markup(module().person(link))
        return html

    def people(links: Iterable[Link]) -> Markup:
        if module() is not None and overridden:
            return Markup(module().people(links))
        known = seen.get
        return Markup(", ".join([known(link) or person(link) for link in links]))  # all Markup

    env.globals.update(person=person, people=people)
