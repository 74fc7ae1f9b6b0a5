"""The ``kennis/feedback`` plugin: lifecycle hooks only; the HTML is made in ``render``."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from ..context import site_context
from ..language import script_with_messages, site_translator
from ..render import AFTER_SEARCH
from .config import FeedbackConfig
from .render import SCRIPT_SOURCE, SCRIPT_URI, FeedbackRenderer, script_messages, widget_settings
from .source import load_reports


class FeedbackPlugin(BasePlugin[FeedbackConfig]):
    """Material's feedback widget wired to the App, and the reported-outdated banner."""

    def __init__(self) -> None:
        self.renderer: FeedbackRenderer | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled or not self.config.endpoint:
            return config
        analytics = config.extra.setdefault("analytics", {})
        tr = site_translator(config)
        analytics.setdefault("feedback", widget_settings(self.config.title, tr))
        if SCRIPT_URI not in config.extra_javascript:
            config.extra_javascript.append(SCRIPT_URI)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        if self.config.endpoint and files.get_file_from_path(SCRIPT_URI) is None:
            messages = script_messages(site_translator(config))
            code = script_with_messages("feedback", messages, SCRIPT_SOURCE)
            files.append(File.generated(config, SCRIPT_URI, content=code))
        context = site_context(config)
        self.renderer = FeedbackRenderer(context, load_reports(), config, self.config)
        return files

    # With the page info (same priority, so the plugins' order decides as before): this marks
    # the page info box, which is only there after Material's search has indexed the page.
    @event_priority(AFTER_SEARCH)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.config.enabled and self.renderer is not None and page.content is not None:
            page.content = self.renderer.insert(page.content, page.file.src_uri)
        return context
