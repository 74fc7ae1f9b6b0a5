"""Renders the page info box and banner into a page's HTML, from data precomputed per build."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from kennis.i18n import Translator
from kennis.urls import page_url_path, site_page_url

from ..context import SiteContext
from ..language import site_translator
from ..render import environment, overridden
from .config import PageInfoConfig
from .html import PageInfoHtml, People, Person
from .view import Labels, PageInfo, page_info

BOX, BANNER = "kennis/pageinfo.html", "kennis/banner.html"


class PageInfoRenderer:
    """Holds one ``PageInfo`` per page (by docs-relative path) and the templates' environment.

    The box and banner templates are loaded only when ``custom_dir`` overrides one of them;
    otherwise their Python twin writes them.
    """

    def __init__(self, infos: dict[str, PageInfo], env: jinja2.Environment, tr: Translator) -> None:
        self.infos = infos
        self.env = env
        # The package's own two templates are rendered by their Python twin (html.py).
        own = not any(overridden(env, name) for name in (BOX, BANNER))
        person, people = cast(Person, env.globals["person"]), cast(People, env.globals["people"])
        self.html = PageInfoHtml(tr, person, people) if own else None

    @classmethod
    def build(
        cls, context: SiteContext, files: Files, config: MkDocsConfig, options: PageInfoConfig
    ) -> PageInfoRenderer:
        site_url, directory_urls = config.site_url, config.use_directory_urls
        repo_url = config.repo_url if options.report_outdated else None
        tr = site_translator(config)
        labels = Labels(tr)
        infos = {}
        for path, status in context.statuses.items():
            src_uri = context.src_uri(path)
            file = files.src_uris.get(src_uri)  # POSIX already: see SiteContext.built_file
            if file is None or not file.is_documentation_page():
                continue
            url = page_url_path(src_uri, directory_urls)
            infos[src_uri] = page_info(
                status,
                page_url=site_page_url(site_url, url) if site_url else None,
                repo_url=repo_url,
                label=options.report_label,
                max_contributors=options.contributors,
                banner=options.banner,
                labels=labels,
            )
        return cls(infos, environment(config), tr)

    def render(self, src_uri: str) -> str | None:
        """The banner (when due or overdue) and the info box, as HTML text."""
        info = self.infos.get(src_uri)
        if info is None:
            return None
        if self.html is not None:
            return (self.html.banner(info) if info.banner else "") + self.html.box(info)
        box, banner = self.env.get_template(BOX), self.env.get_template(BANNER)
        return (banner.render(info=info) if info.banner else "") + box.render(info=info)


def escape_title(page: Page) -> None:
    """Escape the front-matter values the theme prints raw, once, as Markup.

    Material prints ``page.title`` unescaped in the navigation, the heading and the tab title,
    ``description`` into a ``<meta>`` attribute and tag names in the tag list; Markup is not
    escaped a second time where the theme does escape.
    """
    meta = page.meta
    for key in ("title", "description"):
        if isinstance(meta.get(key), str):
            meta[key] = _escaped(meta[key])
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [_escaped(t) if isinstance(t, str) else t for t in tags]


def escape_derived_title(page: Page) -> None:
    """Escape a title MkDocs made from the file name (no ``title:``, no heading).

    A heading's title is already HTML text (MkDocs strips its tags and keeps its entities), so
    only the file-name title is raw. ``kennis check`` refuses such names anyway (the build stops
    on it); this keeps a name the check let through from reaching the theme as HTML.
    """
    if "title" in page.meta or page.is_homepage:
        return
    name = page.file.name.replace("-", " ").replace("_", " ")
    title = page.title
    if (
        isinstance(title, str)
        and not isinstance(title, Markup)
        and title in (name, name.capitalize())
    ):
        page.title = escape(title)


def escape_section_titles(items: Iterable[StructureItem]) -> None:
    """Folder names become section titles, which the theme prints raw: escape them."""
    for item in items:
        if isinstance(item, Section):
            if not isinstance(item.title, Markup):
                item.title = escape(item.title)
            escape_section_titles(item.children)


def _escaped(value: str) -> Markup:
    return value if isinstance(value, Markup) else escape(value)
