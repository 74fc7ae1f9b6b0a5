"""Options of the ``kennis/pageinfo`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c

from ..options import KennisConfig


class PageInfoConfig(KennisConfig):
    """Options of the page info plugin."""

    banner = c.Type(bool, default=True)
    """Show a banner above the content of pages that are due (a warning) or overdue (stronger)."""

    report_outdated = c.Type(bool, default=True)
    """Link "Report outdated" to a pre-filled new issue in ``repo_url`` (GitHub only)."""

    report_label = c.Type(str, default="outdated")
    """The label the pre-filled "Report outdated" issue asks for."""

    contributors = c.Type(int, default=8)
    """Show at most this many contributors from the git history (0 hides the list)."""

    write_buttons = c.Type(bool, default=True)
    """Put "Write a new … here" buttons (GitHub's new-file editor with the type's template filled
    in) on every section index and wanted stub. Needs ``repo_url`` on GitHub."""

    reading_order = c.Type(bool, default=True)
    """Without a ``nav:`` in mkdocs.yml, title each section after its index page's ``title:`` and
    list its pages and sub-sections in the order the index page links to them."""
