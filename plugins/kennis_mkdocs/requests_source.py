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
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from kennis.requests import LABEL, KnownRequest, known_requests

log = get_plugin_logger(__name__)

FILE_ENV = "KENNIS_REQUESTS_FILE"
MAX_PAGES = 10  # 1,000 requests: more than any Wanted pages page should list
TIMEOUT = 10


def load_requests(environ: Mapping[str, str] = os.environ) -> list[KnownRequest] | None:
    """The request issues, open and closed; None when this build has no way to know them."""
    named = environ.get(FILE_ENV, "").strip()
    if named:
        try:
            return known_requests(json.loads(Path(named).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            log.warning(f"knowledge requests not shown: cannot read {named} ({exc})")
            return None
    token, repo = environ.get("GITHUB_TOKEN", ""), environ.get("GITHUB_REPOSITORY", "")
    if not token or not repo:
        return None
    api = environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    try:
        return known_requests(_list_issues(api, repo, token))
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.warning(f"knowledge requests not shown: GitHub did not answer ({exc})")
        return None


def _list_issues(api: str, repo: str, token: str) -> list[object]:
    query = urllib.parse.urlencode({"labels": LABEL, "state": "all", "per_page": 100})
    found: list[object] = []
    for number in range(1, MAX_PAGES + 1):
        url = f"{api}/repos/{repo}/issues?{query}&page={number}"
        request = urllib.request.Request(
            url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
            },
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            batch = json.loads(answer.read())
        if not isinstance(batch, list):
            raise ValueError("the Issues API did not answer with a list")
        found += batch
        if len(batch) < 100:
            break
    return found
