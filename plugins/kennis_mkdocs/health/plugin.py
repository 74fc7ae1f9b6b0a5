"""The ``kennis/health`` plugin: lifecycle hooks only; the numbers are in ``report``."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator

from ..context import SiteContext
from ..reports import ReportPlugin
from .config import HealthConfig
from .languages import language_rows
from .report import health, read_members


class HealthPlugin(ReportPlugin, BasePlugin[HealthConfig]):
    """Generates the Knowledge health page."""

    template = "kennis/health.md"

    def default_title(self, tr: Translator) -> str:
        return tr._("Knowledge health")

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        members = read_members(context.root, self.config.members)
        return {
            "health": health(context, files, file, self.tr, members),
            "languages": language_rows(context, files, file),
        }
