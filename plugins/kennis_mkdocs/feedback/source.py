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
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from kennis.feedback import OUTDATED_LABEL, page_of

log = get_plugin_logger(__name__)

FILE_ENV = "KENNIS_FEEDBACK_REPORTS"
TIMEOUT = 10
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
    token, repo = environ.get("GITHUB_TOKEN", ""), environ.get("GITHUB_REPOSITORY", "")
    if not token or not repo:
        return {}
    api = environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    try:
        return from_issues(_open_issues(api, repo, token))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.info(f"reader reports not shown: GitHub did not answer ({exc})")
        return {}


def from_issues(issues: list[Any]) -> dict[str, dict[str, Any]]:
    """Summaries from open reported-outdated issues (their body's marker and tally row)."""
    found: dict[str, dict[str, Any]] = {}
    for issue in issues:
        body = issue.get("body") if isinstance(issue, dict) else None
        page = page_of(body if isinstance(body, str) else None)
        row = _OUTDATED_ROW.search(body or "") if page else None
        if page and row:
            found[page] = {"outdated": int(row.group(1)), "since": row.group(2), "reported": True}
    return found


def _open_issues(api: str, repo: str, token: str) -> list[Any]:
    query = urllib.parse.urlencode({"labels": OUTDATED_LABEL, "state": "open", "per_page": 100})
    request = urllib.request.Request(
        f"{api}/repos/{repo}/issues?{query}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
        batch = json.loads(answer.read())
    if not isinstance(batch, list):
        raise ValueError("the Issues API did not answer with a list")
    return batch
