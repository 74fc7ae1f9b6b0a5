"""Options of the ``kennis/feedback`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class FeedbackConfig(base.Config):
    """Options of the reader-feedback plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it."""

    endpoint = c.Optional(c.Type(str))
    """Where the widget sends reports: the App's ``POST /feedback`` (``/feedback`` when the App
    serves the site itself, else its full address). Unset: the widget is not shown and the
    "Report outdated" link opens the GitHub issue form instead."""

    form = c.Type(str, default="outdated.yml")
    """The issue form under ``.github/ISSUE_TEMPLATE/`` the no-JavaScript link opens."""

    title = c.Optional(c.Type(str))
    """The widget's question (default: "Was this page helpful?" in the site's language)."""
