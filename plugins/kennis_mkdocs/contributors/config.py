"""Options of the ``kennis/contributors`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c

from ..reports import ReportConfig


class ContributorsConfig(ReportConfig):
    """Options of the contributors plugin."""

    page = c.Type(str, default="knowledge/contributors.md")
    """Where the Contributors page lives in the site, relative to docs_dir."""

    newcomer_days = c.Type(int, default=30)
    """Someone whose first contribution is at most this many days old is listed as a newcomer."""

    milestones = c.ListOfItems(c.Type(int), default=[1, 5, 25, 100])
    """Numbers of pages contributed to that earn a milestone (first page, 5, 25, 100 pages)."""

    upkeep_milestones = c.ListOfItems(c.Type(int), default=[1, 10, 50])
    """Numbers of pages confirmed on time, and of readers' feedback issues resolved, that earn an
    upkeep milestone."""

    reviews = c.Optional(c.Type(str))
    """A reviews file (JSON, relative to the repository root) listing reviews given on knowledge
    pull requests and readers' feedback resolved, written by the App (reviews also by ``kennis-bot
    reviews``); none: the App's ``KENNIS_REVIEWS``, else no such counts."""
