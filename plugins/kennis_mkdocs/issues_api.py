"""A build's own view of GitHub issues: the Issues API with the workflow's ``GITHUB_TOKEN``.

Shared by what builds learn without the App (open reader reports, knowledge requests): a Pages
workflow has ``GITHUB_TOKEN`` and ``GITHUB_REPOSITORY`` (and ``GITHUB_API_URL`` on GHES).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

TIMEOUT = 10
PER_PAGE = 100


def can_ask(environ: Mapping[str, str]) -> bool:
    """Whether this build has a token and a repository to ask the Issues API with."""
    return bool(environ.get("GITHUB_TOKEN", "") and environ.get("GITHUB_REPOSITORY", ""))


def issues_by_label(
    environ: Mapping[str, str], label: str, state: str = "open", max_pages: int = 1
) -> list[Any] | None:
    """The repository's issues with ``label``; None when this build has no token or repository.

    Raises OSError, ValueError or urllib.error.URLError when GitHub does not answer with a list
    (the callers log it and build without).
    """
    if not can_ask(environ):
        return None
    token, repo = environ["GITHUB_TOKEN"], environ["GITHUB_REPOSITORY"]
    # Here: with http.client and ssl it is ~10 ms of start-up that a build without a token skips.
    from urllib.request import Request, urlopen

    api = environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    query = urlencode({"labels": label, "state": state, "per_page": PER_PAGE})
    found: list[Any] = []
    for number in range(1, max_pages + 1):
        request = Request(
            f"{api}/repos/{repo}/issues?{query}&page={number}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"},
        )
        with urlopen(request, timeout=TIMEOUT) as answer:
            batch = json.loads(answer.read())
        if not isinstance(batch, list):
            raise ValueError("the Issues API did not answer with a list")
        found += batch
        if len(batch) < PER_PAGE:
            break
    return found
