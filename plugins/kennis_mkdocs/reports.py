"""Shared pieces of the generated report pages: page references, sections, the page config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kennis.i18n import Translator, translator
from kennis.status import PageStatus
from kennis.visibility import NOT_CONTENT as VISIBILITY_NOT_CONTENT

from .context import SiteContext, site_context
from .html_stash import HtmlStash
from .language import site_translator
from .longlived import GivesBack, hold, started
from .options import KennisConfig
from .render import (
    BEFORE_SEARCH,
    RIGHT_AFTER_SEARCH,
    Link,
    add_css,
    add_css_file,
    add_generated_page,
    environment,
    handle_link,
    relative_url,
)

if TYPE_CHECKING:
    import jinja2

#: Pages that are not (yet) content readers rely on: left out of health and contributors.
NOT_CONTENT = VISIBILITY_NOT_CONTENT


class ReportConfig(KennisConfig):
    """Options of a plugin that generates one report page."""

    page = c.Type(str, default="")
    """Where the generated page lives in the site, relative to docs_dir (e.g.
    ``knowledge/health.md``); nothing is written into the content folder."""

    title = c.Optional(c.Type(str))
    """The page's title (and its name in the navigation); default: the plugin's own title in
    the site's language (``theme.language``)."""


@dataclass(frozen=True)
class PageRef:
    """A page as listed on a report: title, link from the report, owner and freshness."""

    title: str
    src_uri: str
    path: str
    owner: Link | None
    state: str
    due: date | None
    since: date | None
    days_overdue: int
    files: Files = field(repr=False, compare=False)
    report: File = field(repr=False, compare=False)  # the generated page the link starts from

    @property
    def url(self) -> str | None:
        """The page's URL relative to the report (None: not in this build).

        Worked out only for the pages a report shows: the health page keeps every page for its
        CSV but lists a hundred of each kind (issue 19).
        """
        return relative_url(self.files, self.src_uri, self.report)


def page_ref(status: PageStatus, context: SiteContext, files: Files, report: File) -> PageRef:
    page = status.page
    src_uri = context.src_uri(page.path)
    freshness = status.freshness
    return PageRef(
        page.title or src_uri,
        src_uri,
        page.path,
        handle_link(page.owner.handle) if page.owner else None,
        freshness.state,
        freshness.due,
        freshness.since,
        freshness.days_overdue,
        files,
        report,
    )


def section_of(context: SiteContext, path: str) -> str:
    """The top-level folder of a page under the content folder ("" for top-level pages)."""
    src_uri = context.src_uri(path)
    return src_uri.split("/", 1)[0] if "/" in src_uri else ""


def section_title(context: SiteContext, section: str, tr: Translator) -> str:
    if not section:
        return tr._("Home")
    index = context.kb.pages.get(context.repo_path(f"{section}/index.md"))
    if index is not None and index.title:
        return index.title
    return section.replace("-", " ").replace("_", " ").capitalize()


def generate(
    config: MkDocsConfig,
    files: Files,
    src_uri: str,
    template: str,
    values: Callable[[File], dict[str, Any]],
) -> File:
    """Add the report page at ``src_uri`` and render ``template`` with ``values(file)``.

    Links on the page are computed relative to the generated file, hence the callback.
    """
    file = add_generated_page(config, files, src_uri, "")
    file.content_string = environment(config).get_template(template).render(**values(file))
    return file


class ReportPlugin(GivesBack):
    """Mixin with the lifecycle every report page shares; plugins name a template and values.

    Used as ``class HealthPlugin(ReportPlugin, BasePlugin[HealthConfig])``: MkDocs reads each
    plugin's config class from its own ``BasePlugin[...]`` base.
    """

    template = ""
    config: Any
    tr: Translator = translator(None)  # the site's language, set per build in on_files
    env: jinja2.Environment  # the build's templates, set per build in on_files
    report: File | None = None  # the generated page, set per build in on_files
    stash: HtmlStash = HtmlStash()  # its long lists until converted, set per build in on_files

    def default_title(self, tr: Translator) -> str:
        """The title without a ``title:`` option, in the site's language."""
        raise NotImplementedError

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        """What the template shows; ``file`` is the generated page (links are relative to it)."""
        raise NotImplementedError

    def on_startup(self, *, command: str, dirty: bool) -> None:
        started(command)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            add_css(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            self.report = None  # ``serve`` keeps the plugin: nothing from an earlier build
            return files
        context = site_context(config)
        add_css_file(config, files)
        self.tr = site_translator(config)
        self.env = environment(config)
        self.stash = HtmlStash()
        title = self.config.title or self.default_title(self.tr)
        self.report = generate(
            config,
            files,
            self.config.page,
            self.template,
            lambda file: {
                "title": title,
                "as_of": context.as_of,
                "stash": self.stash,
                **self.values(context, files, file),
            },
        )
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.config.enabled:
            hold()  # the report's record, the knowledge base and the navigation live to the end
        return nav

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """The report page's stashed lists back in its HTML, before any other plugin reads it."""
        if not self._is_report(page):
            return html
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= self.stash.anchor_ids()
        return self.stash.restore(html)

    # Material's search plugin leaves a page excluded from search out of its index, yet still
    # scans all of its HTML with a regular expression (to drop ``data-search-*`` attributes):
    # ~60 M instructions for the Health and Contributors pages at 300 pages (the Contributors
    # page alone is ~250 KB; issue 19). Right before it the long lists of such a page become
    # placeholders again, right after it they are put back: the page's HTML is the same byte for
    # byte. Another plugin's ``on_page_context`` at priority 0 (or at 1 or -1, listed after
    # kennis) sees the placeholders on these pages: one that copies the HTML there would publish
    # them. A page in search (Wanted) keeps its lists.
    @event_priority(BEFORE_SEARCH)
    def _hide_from_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self._hides(page):
            page.content = self.stash.hide(page.content or "")
        return context

    @event_priority(RIGHT_AFTER_SEARCH)
    def _show_after_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self._hides(page):
            page.content = self.stash.restore(page.content or "")
        return context

    on_page_context = CombinedEvent(_hide_from_search, _show_after_search)

    def _is_report(self, page: Page) -> bool:
        return self.report is not None and page.file.src_uri == self.report.src_uri

    def _hides(self, page: Page) -> bool:
        """Whether the page is this plugin's report, out of search: its lists skip that step."""
        search = page.meta.get("search")
        excluded = isinstance(search, dict) and bool(search.get("exclude"))
        return excluded and self._is_report(page) and page.content is not None
