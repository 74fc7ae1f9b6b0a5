"""The ``kennis/wanted`` plugin: lifecycle hooks only; the list is in ``report``."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..context import SiteContext
from ..reports import ReportPlugin
from .config import WantedConfig
from .report import wanted


class WantedPlugin(ReportPlugin, BasePlugin[WantedConfig]):
    """Generates the Wanted pages page."""

    template = "kennis/wanted.md"

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        return {"wanted": wanted(context, files, file)}
