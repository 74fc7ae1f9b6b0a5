"""The ``kennis/wanted`` plugin: lifecycle hooks only; the list is in ``report``."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..context import SiteContext
from ..newpage import missing_block
from ..reports import ReportPlugin
from .config import WantedConfig
from .report import wanted


class WantedPlugin(ReportPlugin, BasePlugin[WantedConfig]):
    """Generates the Wanted pages page."""

    template = "kennis/wanted.md"

    site_config: MkDocsConfig | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.site_config = config  # the buttons need repo_url and edit_uri
        return super().on_files(files, config=config)

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        found = wanted(context, files, file)
        write = {}
        if self.site_config is not None:
            for missing in found.missing:
                block = missing_block(
                    context, self.site_config, missing.path, missing.suggested_title
                )
                if block is not None:
                    write[missing.path] = block
        return {"wanted": found, "write": write}
