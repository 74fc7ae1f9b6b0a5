"""The ``kennis/pageinfo`` plugin: lifecycle hooks only; the work is in ``renderer``."""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kennis.visibility import Audience

from ..context import site_context
from ..drafts import drop_from_nav, drop_unpublished, hide_from_search, unlisted
from ..language import site_language
from ..longlived import GivesBack, hold, started
from ..options import resolve_preview
from ..quiz_language import lend_quiz_language
from ..reading_order import apply_reading_order
from ..render import AFTER_SEARCH, add_css, add_css_file, environment
from .config import PageInfoConfig
from .languages import Languages
from .renderer import (
    PageInfoRenderer,
    escape_derived_title,
    escape_section_titles,
    escape_title,
)
from .sources import PageSources
from .translation import insert_banner, original_url, translation_banner, without_due_banner


class PageInfoPlugin(GivesBack, BasePlugin[PageInfoConfig]):
    """Owner, review dates, contributors, freshness state and banner on every page."""

    def __init__(self) -> None:
        self.renderer: PageInfoRenderer | None = None
        self.serving = False
        self.write_env: jinja2.Environment | None = None
        self.unlisted: frozenset[str] = frozenset()
        self.languages = Languages("en", {}, {})
        self.files = Files([])
        self.sources = PageSources()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # ``mkdocs serve`` (and so ``kennis serve``) is for authors: drafts are shown there.
        self.serving = command == "serve"
        started(command)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            add_css(config)
            lend_quiz_language(config, site_language(config))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        add_css_file(config, files)
        self.sources = PageSources()
        context = site_context(config)
        audience = Audience(preview=resolve_preview(self.config.preview, self.serving))
        drop_unpublished(files, context, audience)
        self.unlisted = unlisted(context, audience)
        self.languages = Languages.of(context, site_language(config))
        self.renderer = PageInfoRenderer.build(context, files, config, self.config)
        if self.config.banner:
            without_due_banner(self.renderer.infos, context)
        if self.config.write_buttons and config.repo_url:
            # Here, as in on_page_content: the buttons' code (~18 M instructions of imports, a
            # tenth of kennis's start-up) loads only for a site that shows them (issue 19).
            from ..newpage import add_script

            add_script(config, files)
            self.write_env = environment(config)
        hold()  # the knowledge base, its history and every page's info live to the end
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.config.enabled:
            if self.config.reading_order and config.nav is None:
                apply_reading_order(nav, site_context(config))
            context = site_context(config)
            drop_from_nav(nav, self.unlisted | self.languages.unlisted(context))
            escape_section_titles(nav.items)
            hold()  # the knowledge base, page infos, files and navigation live to the end
        return nav

    # Before any other plugin (MkDocs' guidance keeps priorities within ±100): a plugin that
    # gives a page's source after this one is the one read (the last answer counts).
    @event_priority(1000)
    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """The page as kennis read it in ``on_files``: MkDocs need not read it again (sources.py)."""
        if not self.config.enabled:
            return None
        return self.sources.source(site_context(config), page.file, config.docs_dir)

    @event_priority(1000)  # before any other plugin reads page.meta
    def _give_meta(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.config.enabled:
            self.sources.give_meta(page, markdown)
        return markdown

    def _escape_and_hide(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.config.enabled:
            escape_title(page)
            hide_from_search(page, self.unlisted)
        return markdown

    on_page_markdown = CombinedEvent(_give_meta, _escape_and_hide)

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
            return html
        escape_derived_title(page)  # every page is rendered before any template uses titles
        self.files = files
        if self.write_env is not None:
            from ..newpage import page_block

            html += page_block(site_context(config), config, page.file.src_uri, self.write_env)
        return html

    # Last, after Material's search has indexed the page: the box and banners are not searched
    # (``data-search-exclude``), yet its HTML parser spent more time on their ~3 KB of links and
    # attributes than on a typical page's own text (issue 19).
    @event_priority(AFTER_SEARCH)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if not self.config.enabled or self.renderer is None or page.content is None:
            return context
        files = self.files
        # Under the title, top to bottom: other languages, the translation banner, the banner,
        # the box; spliced into the page's HTML once.
        block = self.renderer.render(page.file.src_uri) or ""
        site = site_context(config)
        status = site.statuses.get(site.repo_path(page.file.src_uri))
        if status is not None and self.config.banner:
            url = original_url(site, status, page, files)
            block = translation_banner(status, url) + block
        block = self.languages.links(site, page, files) + block
        page.content = insert_banner(page.content, block)
        return context
