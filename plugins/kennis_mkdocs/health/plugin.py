"""The ``kennis/health`` plugin: lifecycle hooks only; the numbers are in ``report``."""

from __future__ import annotations

import posixpath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator

from ..context import SiteContext
from ..render import add_generated_page
from ..reports import ReportPlugin
from .config import HealthConfig
from .download import csv_uri, health_csv, shown_groups
from .languages import language_rows
from .report import health, read_members


class HealthPlugin(ReportPlugin, BasePlugin[HealthConfig]):
    """Generates the Knowledge health page and ``health.csv`` (its lists in full) beside it."""

    template = "kennis/health.md"

    def default_title(self, tr: Translator) -> str:
        return tr._("Knowledge health")

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.site_config = config  # the CSV is a generated file too
        return super().on_files(files, config=config)

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        members = read_members(context.root, self.config.members)
        found = health(context, files, file, self.tr, members)
        found.limit = max(0, self.config.list_limit)
        download = add_generated_page(
            self.site_config, files, csv_uri(self.config.page), health_csv(found)
        )
        return {
            "health": found,
            "overdue_shown": shown_groups(found.overdue, found.limit),
            "download": download.url_relative_to(file),
            "download_name": posixpath.basename(download.src_uri),
            "languages": language_rows(context, files, file),
        }
