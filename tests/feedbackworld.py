"""The reader-feedback world: a site repository with an owned page, served by the real bot."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.botproc import Response
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.gitrepo import GitRepo
from tests.sitebot import REPO, SiteBot, deploy_first, make_site_repo

SITE = "https://kb.example.com/"
PAGE = "ops/expenses-faq.md"
EXPENSES = """\
---
title: Expenses FAQ
owner: "@sam-okafor"
reviewed: 2026-11-01
---
# Expenses FAQ

Claim within 30 days.
"""


def open_feedback_site(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey, plugins: bool = False, **env: str
) -> Iterator[SiteBot]:
    """Yield a started bot whose site has PAGE (owner @sam-okafor), deployed once.

    *env* adds to or overrides the bot's settings (writes are coalesced per second by default).
    """
    origin = make_site_repo(tmp_path / "origin")
    origin.write(f"content/{PAGE}", EXPENSES).commit("Expenses FAQ")
    if plugins:
        with_kennis_plugins(origin)
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    github.add_collaborator(REPO, "sam-okafor")
    made = SiteBot(github, origin, tmp_path / "data", app_key)
    made.env = dict(
        KENNIS_SITE_URL=SITE,
        KENNIS_FEEDBACK_ORIGINS="https://intranet.example.org",
        KENNIS_FEEDBACK_WRITE_EVERY="1",
    )
    made.env.update(env)
    made.start()
    try:
        deploy_first(made)
        yield made
    finally:  # closing the generator (not only exhausting it) stops the bot
        if made.bot is not None:
            made.bot.stop(signal.SIGKILL)


def send(site: SiteBot, body: dict[str, Any] | bytes, **headers: str) -> Response:
    assert site.bot is not None
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return site.bot.request(
        "POST", "/feedback", raw, {"Content-Type": "application/json", **headers}
    )


def feedback_issues(site: SiteBot) -> list[Any]:
    return [i for i in site.github.repo(REPO).issues.values() if "kennis:feedback" in i.labels]


SITE_YML = """\
site_name: Test KB
docs_dir: content
theme:
  name: material
markdown_extensions: [admonition]
plugins:
  - kennis/pageinfo
  - kennis/feedback:
      endpoint: /feedback
"""


def with_kennis_plugins(origin: GitRepo) -> None:
    """Commit the kennis page-info and feedback plugins into the site's configuration."""
    origin.write("mkdocs.yml", SITE_YML)
    origin.write(".github/kennis.yml", 'content_dir: content\nfallback_owner: "@acme/kb-team"\n')
    origin.commit("Site with the kennis plugins")
