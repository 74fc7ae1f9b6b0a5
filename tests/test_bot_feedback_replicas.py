"""One feedback issue per page whatever happens to the tables: replicas on one PostgreSQL database
share them, and an issue the tables lost (a stop between creating and recording it, a new
database) is found again rather than opened twice (real bots, the stand-in, real PostgreSQL)."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.botproc import wait_for
from tests.feedbackworld import PAGE, feedback_issues, open_feedback_site, send
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import SiteBot, deploy_first

pytestmark = pytest.mark.slow


def tallied(site: SiteBot, count: int) -> Any:
    found = feedback_issues(site)
    if len(found) == 1 and f"| outdated | {count} |" in (found[0].body or ""):
        return found[0]
    return None


def test_a_report_to_another_replica_updates_the_same_issue(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey, postgres_url: str
) -> None:
    sites = open_feedback_site(tmp_path, github, app_key, KENNIS_DATABASE_URL=postgres_url)
    first = next(sites)
    other = SiteBot(github, first.origin, tmp_path / "replica1", app_key, env=dict(first.env or {}))
    try:
        assert send(first, {"page": PAGE, "kind": "outdated"}).status == 202
        issue = wait_for(lambda: tallied(first, 1), timeout=30)
        assert first.bot is not None
        first.bot.stop()  # an upgrade: the other replica takes over
        other.start()
        deploy_first(other)  # it serves the site now
        assert (
            send(other, {"page": PAGE, "kind": "outdated", "comment": "Now 60 days"}).status == 202
        )
        again = wait_for(lambda: tallied(other, 2), timeout=30)
        assert again.number == issue.number  # the shared tables knew the page's issue
        assert len(feedback_issues(other)) == 1
    finally:
        if other.bot is not None:
            other.bot.stop(signal.SIGKILL)
        sites.close()


def test_an_issue_the_tables_lost_is_found_again_not_opened_twice(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey
) -> None:
    sites = open_feedback_site(tmp_path, github, app_key)
    site = next(sites)
    try:
        assert send(site, {"page": PAGE, "kind": "outdated"}).status == 202
        issue = wait_for(lambda: tallied(site, 1), timeout=30)
        with sqlite3.connect(site.data_dir / "ledger.sqlite3") as db:
            db.execute("DELETE FROM feedback_pages")  # the record of that write, lost
        assert send(site, {"page": PAGE, "kind": "outdated", "comment": "Still 30?"}).status == 202
        again = wait_for(lambda: tallied(site, 2), timeout=30)
        assert again.number == issue.number
        assert "Still 30?" in again.comments[-1].body
        assert len(feedback_issues(site)) == 1
    finally:
        sites.close()
