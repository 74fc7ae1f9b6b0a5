"""The ``kennis/contributors`` plugin: lifecycle hooks only; the record is in ``report``."""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator

from ..context import SiteContext
from ..reports import ReportPlugin
from .config import ContributorsConfig
from .html import contributor_rows
from .report import load_credit, milestone, recognition


class ContributorsPlugin(ReportPlugin, BasePlugin[ContributorsConfig]):
    """Generates the Contributors page."""

    template = "kennis/contributors.md"

    def default_title(self, tr: Translator) -> str:
        return tr._("Contributors")

    def values(self, context: SiteContext, files: Files, file: File) -> dict[str, Any]:
        options = self.config
        reviews, resolved = load_credit(context.root, options.reviews)

        def reached(n: int) -> int | None:
            return milestone(n, options.milestones)

        return {
            "newcomer_days": options.newcomer_days,
            "record": recognition(
                context,
                options.newcomer_days,
                options.milestones,
                options.upkeep_milestones,
                reviews,
                resolved,
            ),
            "milestone": reached,
            "contributor_rows": contributor_rows(self.env, self.tr, reached),
        }
