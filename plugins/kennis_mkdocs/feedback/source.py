"""Where a build learns the open reader reports: a file the App wrote, or the Issues API.

The App's self-hosted deploys write ``{"pages": {path: summary}}`` and name it in
``KENNIS_FEEDBACK_REPORTS``; a Pages workflow has ``GITHUB_TOKEN`` and ``GITHUB_REPOSITORY`` and
lists the open ``kennis:outdated`` issues itself. With neither the build shows no banner and
still succeeds; so does it when GitHub cannot be reached.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from ..issues_api import can_ask, issues_by_label

log = get_plugin_logger(__name__)

FILE_ENV = "KENNIS_FEEDBACK_REPORTS"
_OUTDATED_ROW = re.compile(r"^\| outdated \| (\d+) \| (\d{4}-\d\d-\d\d) \|", re.M)


def load_reports(environ: Mapping[str, str] = os.environ) -> dict[str, dict[str, Any]]:
    """Open reports per repository path (empty when this build cannot know them)."""
    named = environ.get(FILE_ENV, "").strip()
    if named:
        try:
            data = json.loads(Path(named).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.info(f"reader reports not shown: cannot read {named} ({exc})")
            return {}
        pages = data.get("pages") if isinstance(data, dict) else None
        return {k: v for k, v in (pages or {}).items() if isinstance(v, dict)}
    if not can_ask(environ):
        return {}
    # Here, as in from_issues: kennis.feedback (~8 M instructions to import) loads only in a
    # build that can learn the reports (issue 19).
    from kennis.feedback import OUTDATED_LABEL

    try:
        issues = issues_by_label(environ, OUTDATED_LABEL)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.info(f"reader reports not shown: GitHub did not answer ({exc})")
        return {}
    return from_issues(issues or [])


def from_issues(issues: list[Any]) -> dict[str, dict[str, Any]]:
    """Summaries from open reported-outdated issues (their body's marker and tally row)."""
    from kennis.feedback import page_of

    found: dict[str, dict[str, Any]] = {}
    for issue in issues:
        body = issue.get("body") if isinstance(issue, dict) else None
        page = page_of(body if isinstance(body, str) else None)
        row = _OUTDATED_ROW.search(body or "") if page else None
        if page and row:
            found[page] = {"outdated": int(row.group(1)), "since": row.group(2), "reported": True}
    return found
