"""End-to-end: readers' reports over HTTP reach one feedback issue per page (real bot, stand-in, git)."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.botproc import Response, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import REPO, SiteBot, deploy_first, make_site_repo

pytestmark = pytest.mark.slow

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


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    origin = make_site_repo(tmp_path / "origin")
    origin.write(f"content/{PAGE}", EXPENSES).commit("Expenses FAQ")
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    github.add_collaborator(REPO, "sam-okafor")
    made = SiteBot(github, origin, tmp_path / "data", app_key)
    made.env = dict(
        KENNIS_SITE_URL=SITE,
        KENNIS_FEEDBACK_ORIGINS="https://intranet.example.org",
        KENNIS_FEEDBACK_WRITE_EVERY="1",
    )
    made.start()
    deploy_first(made)
    yield made
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


def test_two_readers_make_one_issue_with_a_tally_of_two(site: SiteBot) -> None:
    first = send(site, {"page": PAGE, "kind": "outdated"})
    assert first.status == 202, first.body
    assert first.body["message"] == "Thanks — @sam-okafor will see this"
    assert (
        send(site, {"page": PAGE, "kind": "outdated", "comment": "Limit is 60 days"}).status == 202
    )

    def settled() -> Any:
        found = feedback_issues(site)
        if len(found) == 1 and "| outdated | 2 |" in (found[0].body or "") and found[0].comments:
            return found[0]
        return None

    issue = wait_for(settled, timeout=30)
    assert issue.assignees == ["sam-okafor"]
    assert "kennis:outdated" in issue.labels
    assert "Limit is 60 days" in issue.comments[0].body
    assert len(feedback_issues(site)) == 1


def test_hostile_comment_is_inert_text_in_the_issue(site: SiteBot) -> None:
    hostile = "<script>alert(1)</script> @everyone @acme/all ![x](http://example.invalid/a.png) #1"
    assert send(site, {"page": PAGE, "kind": "wrong", "comment": hostile}).status == 202
    issue = wait_for(lambda: next((i for i in feedback_issues(site) if i.comments), None))
    text = issue.comments[0].body
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "@everyone" not in text and "@acme/all" not in text
    assert "![x](" not in text and "!\\[x\\]" in text
    mentions = site.github.mentions_in(text) if hasattr(site.github, "mentions_in") else []
    assert not mentions


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"page": "ops/no-such-page.md", "kind": "outdated"}, 404),
        ({"page": PAGE, "kind": "angry"}, 400),
        (b"{not json", 400),
        ({"page": PAGE, "kind": "outdated", "comment": "x" * 9000}, 413),
        ({"page": PAGE, "kind": "outdated", "comment": "x" * 2001}, 400),
    ],
    ids=["unknown-page", "bad-kind", "bad-json", "oversized", "long-comment"],
)
def test_refusals(site: SiteBot, body: dict[str, Any] | bytes, status: int) -> None:
    answer = send(site, body)
    assert answer.status == status, answer.body
    assert answer.body["error"]


def test_cors_only_for_the_sites_origins(site: SiteBot) -> None:
    assert site.bot is not None
    for origin, granted in [
        ("https://kb.example.com", True),
        ("https://intranet.example.org", True),
        ("https://evil.example.net", False),
    ]:
        resp = send_raw(site, "POST", origin)
        assert (resp.getheader("Access-Control-Allow-Origin") == origin) is granted
        assert resp.getheader("Set-Cookie") is None
        pre = send_raw(site, "OPTIONS", origin)
        assert pre.status == 204
        assert ("POST" in (pre.getheader("Access-Control-Allow-Methods") or "")) is granted


def send_raw(site: SiteBot, method: str, origin: str) -> Any:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    body = json.dumps({"page": PAGE, "kind": "helpful"}).encode() if method == "POST" else b""
    conn.request(method, "/feedback", body=body, headers={"Origin": origin})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_rate_limit_answers_429_with_retry_after(site: SiteBot) -> None:
    assert site.bot is not None
    site.bot.stop(signal.SIGKILL)
    site.env = {**(site.env or {}), "KENNIS_FEEDBACK_LIMIT": "3"}
    site.start()
    answers = [send(site, {"page": PAGE, "kind": "helpful"}).status for _ in range(5)]
    assert answers == [202, 202, 202, 429, 429]


def test_a_report_survives_sigkill_between_202_and_processing(site: SiteBot) -> None:
    assert site.bot is not None
    site.bot.stop(signal.SIGKILL)
    # No workers: the report is only in the ledger when the bot is killed after the 202.
    site.env = {**(site.env or {}), "KENNIS_WORKERS": "0"}
    site.start()
    assert send(site, {"page": PAGE, "kind": "unclear", "comment": "once"}).status == 202
    site.bot.stop(signal.SIGKILL)
    site.env.pop("KENNIS_WORKERS")
    site.start()
    issue = wait_for(lambda: next((i for i in feedback_issues(site) if i.comments), None))
    assert "| unclear | 1 |" in (issue.body or "")
    assert sum("once" in c.body for c in issue.comments) == 1
    assert len(feedback_issues(site)) == 1
