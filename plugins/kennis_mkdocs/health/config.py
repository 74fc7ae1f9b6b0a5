"""Options of the ``kennis/health`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c

from ..reports import ReportConfig


class HealthConfig(ReportConfig):
    """Options of the knowledge health plugin."""

    page = c.Type(str, default="knowledge/health.md")
    """Where the Knowledge health page lives in the site, relative to docs_dir."""

    members = c.Optional(c.Type(str))
    """A file (relative to the repository root) listing the repository's members, one GitHub
    login per line: owners missing from it are shown as knowledge at risk. None: not checked."""

    list_limit = c.Type(int, default=100)
    """How many pages each list on the page shows (overdue, without a real owner, never
    reviewed, at risk, needing attention); the rest are counted, and every list is complete in
    ``health.csv`` beside the page. 0: list every page on the page itself."""
