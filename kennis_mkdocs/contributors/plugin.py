"""The ``kennis/contributors`` plugin: lifecycle hooks only; the record is in ``report``."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from ..context import site_context
from ..render import add_css, add_css_file
from ..reports import generate
from .config import ContributorsConfig
from .report import milestone, recognition


class ContributorsPlugin(BasePlugin[ContributorsConfig]):
    """Generates the Contributors page."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            add_css(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        context = site_context(config)
        add_css_file(config, files)
        options = self.config
        record = recognition(context, options.newcomer_days, options.milestones)
        generate(
            config,
            files,
            options.page,
            "kennis/contributors.md",
            lambda file: {
                "title": options.title,
                "as_of": context.as_of,
                "newcomer_days": options.newcomer_days,
                "record": record,
                "milestone": lambda n: milestone(n, options.milestones),
            },
        )
        return files
