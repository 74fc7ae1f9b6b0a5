"""Where a build learns the knowledge requests: a file the App wrote, or the Issues API.

The App's self-hosted deploys write the request issues to a JSON file and name it in
``KENNIS_REQUESTS_FILE``; a Pages workflow has ``GITHUB_TOKEN`` and ``GITHUB_REPOSITORY`` and
the build lists them itself. With neither (a local build, a fork) the reports say requests are
not known here, and the build still succeeds; so does it when GitHub cannot be reached.
"""

from __future__ import annotations

import json
import os
import urllib.error
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import get_plugin_logger

from .issues_api import can_ask, issues_by_label

if TYPE_CHECKING:
    from kennis.requests import KnownRequest

log = get_plugin_logger(__name__)

FILE_ENV = "KENNIS_REQUESTS_FILE"
MAX_PAGES = 10  # 1,000 requests: more than any Wanted pages page should list


def load_requests(environ: Mapping[str, str] = os.environ) -> list[KnownRequest] | None:
    """The request issues, open and closed; None when this build has no way to know them."""
    named = environ.get(FILE_ENV, "").strip()
    if not named and not can_ask(environ):
        return None
    # Here: kennis.requests (with the request form and the new page's scaffolding, ~20 M
    # instructions to import) loads only in a build that can know the requests (issue 19).
    from kennis.requests import LABEL, known_requests

    if named:
        try:
            return known_requests(json.loads(Path(named).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            # info, not warning: a strict build must not fail for want of the list
            log.info(f"knowledge requests not shown: cannot read {named} ({exc})")
            return None
    try:
        issues = issues_by_label(environ, LABEL, state="all", max_pages=MAX_PAGES)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.info(f"knowledge requests not shown: GitHub did not answer ({exc})")
        return None
    return None if issues is None else known_requests(issues)
