"""Options of the ``kennis/wanted`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c

from ..reports import ReportConfig


class WantedConfig(ReportConfig):
    """Options of the wanted pages plugin."""

    page = c.Type(str, default="knowledge/wanted.md")
    """Where the Wanted pages page lives in the site, relative to docs_dir."""

    ask_endpoint = c.Optional(c.Type(str))
    """The App's ``POST /requests`` address (e.g. ``https://kb-bot.example.com/requests``, or
    ``/requests`` when the App serves the site): readers without a GitHub account ask for a page
    there. Without it, "Ask for a page" links to the issue form on GitHub (needs ``repo_url``)."""
