"""Shared pieces of the generated report pages: page references, sections, the page config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator, translator
from kennis.status import PageStatus
from kennis.visibility import NOT_CONTENT as VISIBILITY_NOT_CONTENT

from .context import SiteContext, site_context
from .language import site_translator
from .options import KennisConfig
from .render import (
    Link,
    add_css,
    add_css_file,
    add_generated_page,
    environment,
    handle_link,
    relative_url,
)

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
    url: str | None
    path: str
    owner: Link | None
    state: str
    due: date | None
    since: date | None
    days_overdue: int


def page_ref(status: PageStatus, context: SiteContext, files: Files, report: File) -> PageRef:
    page = status.page
    src_uri = context.src_uri(page.path)
    return PageRef(
        title=page.title or src_uri,
        url=relative_url(files, src_uri, report),
        path=page.path,
        owner=handle_link(page.owner.handle) if page.owner else None,
        state=status.freshness.state,
        due=status.freshness.due,
        since=status.freshness.since,
        days_overdue=status.freshness.days_overdue,
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


class ReportPlugin:
    """Mixin with the lifecycle every report page shares; plugins name a template and values.

    Used as ``class HealthPlugin(ReportPlugin, BasePlugin[HealthConfig])``: MkDocs reads each
    plugin's config class from its own ``BasePlugin[...]`` base.
    """

    template = ""
    config: Any
    tr: Translator = translator(None)  # the site's language, set per build in on_files

    def default_title(self, tr: Translator) -> str:
        """The title without a ``title:`` option, in the site's language."""
        raise NotImplementedError

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        """What the template shows; ``file`` is the generated page (links are relative to it)."""
        raise NotImplementedError

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            add_css(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        context = site_context(config)
        add_css_file(config, files)
        self.tr = site_translator(config)
        title = self.config.title or self.default_title(self.tr)
        generate(
            config,
            files,
            self.config.page,
            self.template,
            lambda file: {
                "title": title,
                "as_of": context.as_of,
                **self.values(context, files, file),
            },
        )
        return files
