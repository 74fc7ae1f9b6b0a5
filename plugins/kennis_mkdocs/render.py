"""Shared rendering: the Jinja environment (overridable templates, translated), links to people, CSS."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import jinja2
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kennis.handles import Handle, noreply_login
from kennis.history import Person
from kennis.i18n import Translator

from .language import install, site_translator
from .people_html import TEMPLATE as PEOPLE
from .people_html import install_people

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
CSS_SOURCE = PACKAGE / "assets" / "kennis.css"
CSS_URI = "assets/kennis/kennis.css"
GITHUB = "https://github.com"
#: Priority of the hooks that add kennis' blocks to a page's HTML: after Material's search (0) has
#: indexed the page, so its slow HTML parser never reads blocks it would exclude anyway.
AFTER_SEARCH = -50
#: Right before and right after Material's search (at the default priority, 0): what a report
#: page hides from the search step, and puts back (``ReportPlugin.on_page_context``).
BEFORE_SEARCH, RIGHT_AFTER_SEARCH = 1, -1


class Link(NamedTuple):
    """Someone to show: their name or handle, where their GitHub profile is, and if a team.

    A named tuple, not a dataclass: pages look each one up in the build's rendered people
    (``people_html``) dozens of times, and a tuple hashes in C.
    """

    text: str
    url: str | None
    team: bool = False


def handle_link(handle: Handle) -> Link:
    """``@alice`` → github.com/alice; ``@acme/kitchen`` → the team's page on GitHub."""
    if handle.is_team:
        return Link(handle.text, f"{GITHUB}/orgs/{handle.org}/teams/{handle.slug}", team=True)
    return Link(handle.text, f"{GITHUB}/{handle.login}")


def person_link(person: Person) -> Link:
    """A git author; linked to GitHub only when the e-mail is a GitHub no-reply address."""
    login = noreply_login(person.email)
    return Link(person.name or person.email, f"{GITHUB}/{login}" if login else None)


def iso_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    return (day.date() if isinstance(day, datetime) else day).isoformat()


class TimeTags:
    """``<time datetime="{{ day|iso_date }}">{{ day|human_date }}</time>``, written once per day.

    For the Python twins of the package's templates (page info, the Contributors table).
    """

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self._tags: dict[date | None, str] = {}

    def __call__(self, day: date | None) -> str:
        html = self._tags.get(day)
        if html is None:
            human = self.tr.date(day) if day is not None else ""
            html = f'<time datetime="{escape(iso_date(day))}">{escape(human)}</time>'
            self._tags[day] = html
        return html


_environment: tuple[MkDocsConfig, jinja2.Environment] | None = None
_BYTECODE = jinja2.FileSystemBytecodeCache()


def environment(config: MkDocsConfig) -> jinja2.Environment:
    """The Jinja environment of the kennis templates; autoescaping is always on.

    Templates are looked up in the theme's folders first (``custom_dir`` overrides them: put
    ``kennis/pageinfo.html`` there), then in the package. One environment per build (keyed by
    the build's config, as ``context.site_context`` is): every plugin and page shares its compiled
    templates, and nothing is re-checked on disk during a build (``auto_reload`` off).
    """
    global _environment
    if _environment is not None and _environment[0] is config:
        return _environment[1]
    search = [*(str(d) for d in config.theme.dirs), str(TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        # Compiling the templates cost more than rendering a thousand pages with them; the
        # compiled code is kept per user (Jinja's private temp folder), keyed by template source.
        bytecode_cache=_BYTECODE,
    )
    env.filters["iso_date"] = iso_date
    install(env, site_translator(config))  # _, ngettext and dates in the site's language
    install_people(env, str(TEMPLATES / PEOPLE))  # person(), people(): once per person
    _environment = (config, env)
    return env


def overridden(env: jinja2.Environment, name: str) -> bool:
    """True when ``custom_dir`` holds its own ``name``: the package's is not the one in use.

    Asks the loader where the template is, without compiling it (a Python twin stands in for
    the package's own templates, which then never need loading).
    """
    loader = env.loader
    return loader is not None and loader.get_source(env, name)[1] != str(TEMPLATES / name)


def add_css(config: MkDocsConfig) -> None:
    """Reference the kennis stylesheet once, however many kennis plugins are on."""
    if CSS_URI not in config.extra_css:
        config.extra_css.append(CSS_URI)


def add_css_file(config: MkDocsConfig, files: Files) -> None:
    if files.get_file_from_path(CSS_URI) is None:
        files.append(File.generated(config, CSS_URI, abs_src_path=str(CSS_SOURCE)))


def add_generated_page(config: MkDocsConfig, files: Files, src_uri: str, content: str) -> File:
    """Add a page that exists only in the built site; refuse to shadow a real page."""
    existing = files.get_file_from_path(src_uri)
    if existing is not None and existing.generated_by is None:
        raise PluginError(
            f"kennis: cannot generate {src_uri}: the content already has a page there "
            "(choose another `page:` for the plugin)"
        )
    if existing is not None:
        files.remove(existing)
    file = File.generated(config, src_uri, content=content)
    files.append(file)
    return file


def relative_url(files: Files, target_src_uri: str, from_file: File) -> str | None:
    """The URL of a page as seen from a generated page (raw HTML links are not rewritten)."""
    target = files.src_uris.get(target_src_uri)  # a page's own src_uri: SiteContext.built_file
    return target.url_relative_to(from_file) if target is not None else None
