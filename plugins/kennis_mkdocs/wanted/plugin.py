"""The ``kennis/wanted`` plugin: lifecycle hooks only; the list is in ``report``."""

from __future__ import annotations

import posixpath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kennis.i18n import Translator

from ..ask import add_ask_script, ask_box
from ..context import SiteContext
from ..render import environment
from ..reports import ReportPlugin
from .config import WantedConfig
from .report import wanted


class WantedPlugin(ReportPlugin, BasePlugin[WantedConfig]):
    """Generates the Wanted pages page."""

    template = "kennis/wanted.md"

    def default_title(self, tr: Translator) -> str:
        return tr._("Wanted pages")

    site_config: MkDocsConfig | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.site_config = config  # the buttons need repo_url and edit_uri
        files = super().on_files(files, config=config)
        if self.config.enabled and ask_box(config, self.config.ask_endpoint) is not None:
            add_ask_script(config, files, self.config.page)
        return files

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Section indexes end with "Ask for a page", the section filled in."""
        html = super().on_page_content(html, page=page, config=config, files=files) or html
        src_uri = page.file.src_uri
        if posixpath.basename(src_uri) not in ("index.md", "README.md") or not self.config.enabled:
            return html
        section = posixpath.dirname(src_uri)
        box = ask_box(config, self.config.ask_endpoint, section) if section else None
        if box is None:
            return html
        return html + environment(config).get_template("kennis/ask.html").render(ask=box)

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        found = wanted(context, files, file)
        write = {}
        if self.site_config is not None and found.missing:
            from ..newpage import missing_block  # here: loaded only when a page is missing

            for missing in found.missing:
                block = missing_block(
                    context, self.site_config, missing.path, missing.suggested_title
                )
                if block is not None:
                    write[missing.path] = block
        ask = ask_box(self.site_config, self.config.ask_endpoint) if self.site_config else None
        return {"wanted": found, "write": write, "ask": ask}
