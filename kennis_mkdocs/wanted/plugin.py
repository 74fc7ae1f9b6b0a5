"""The ``kennis/wanted`` plugin: lifecycle hooks only; the list is in ``report``."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from ..context import site_context
from ..render import add_css, add_css_file
from ..reports import generate
from .config import WantedConfig
from .report import wanted


class WantedPlugin(BasePlugin[WantedConfig]):
    """Generates the Wanted pages page."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            add_css(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        context = site_context(config)
        add_css_file(config, files)
        generate(
            config,
            files,
            self.config.page,
            "kennis/wanted.md",
            lambda file: {"title": self.config.title, "wanted": wanted(context, files, file)},
        )
        return files
