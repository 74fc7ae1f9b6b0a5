"""Renders the page info box and banner into a page's HTML, from data precomputed per build."""

from __future__ import annotations

import re

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kennis.urls import page_url_path, site_page_url

from ..context import SiteContext
from ..render import environment
from .config import PageInfoConfig
from .view import PageInfo, page_info

_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.S)


class PageInfoRenderer:
    """Holds one ``PageInfo`` per page (by docs-relative path) and the two templates."""

    def __init__(self, infos: dict[str, PageInfo], env: jinja2.Environment) -> None:
        self.infos = infos
        self.box = env.get_template("kennis/pageinfo.html")
        self.banner = env.get_template("kennis/banner.html")

    @classmethod
    def build(
        cls, context: SiteContext, files: Files, config: MkDocsConfig, options: PageInfoConfig
    ) -> PageInfoRenderer:
        site_url, directory_urls = config.site_url, config.use_directory_urls
        repo_url = config.repo_url if options.report_outdated else None
        infos = {}
        for path, status in context.statuses.items():
            src_uri = context.src_uri(path)
            file = files.get_file_from_path(src_uri)
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
            )
        return cls(infos, environment(config))

    def render(self, src_uri: str) -> str | None:
        """The banner (when due or overdue) and the info box, as HTML text."""
        info = self.infos.get(src_uri)
        if info is None:
            return None
        banner = self.banner.render(info=info) if info.banner else ""
        return banner + self.box.render(info=info)

    def insert(self, html: str, src_uri: str) -> str:
        """Put the banner and box under the page's own title (Material adds one when absent).

        Plain ``str`` concatenation on purpose: ``Markup + str`` would escape the page's HTML.
        """
        block = self.render(src_uri)
        if block is None:
            return html
        heading = _LEADING_H1.match(html)
        if heading is None:
            return block + html
        return html[: heading.end()] + block + html[heading.end() :]


def escape_title(page: Page) -> None:
    """Escape a front-matter title once, as Markup.

    The theme prints ``page.title`` unescaped in the navigation, the heading and the tab title;
    Markup is not escaped a second time where the theme does escape.
    """
    title = page.meta.get("title")
    if isinstance(title, str) and not isinstance(title, Markup):
        page.meta["title"] = escape(title)
