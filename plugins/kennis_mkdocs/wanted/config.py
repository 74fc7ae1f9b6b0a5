"""Options of the ``kennis/wanted`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c

from ..reports import ReportConfig


class WantedConfig(ReportConfig):
    """Options of the wanted pages plugin."""

    page = c.Type(str, default="knowledge/wanted.md")
    """Where the Wanted pages page lives in the site, relative to docs_dir."""

    title = c.Type(str, default="Wanted pages")
    """The page's title (and its name in the navigation)."""
