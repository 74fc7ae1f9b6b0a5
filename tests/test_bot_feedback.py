"""End-to-end: readers' reports over HTTP reach one feedback issue per page (real bot, stand-in, git)."""

from __future__ import annotations

import itertools
import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kennis.reviews import read_resolved, read_reviews
from review_bot.credit import reviews_file
from tests.botproc import wait_for
from tests.feedbackworld import (
    PAGE,
    feedback_issues,
    open_feedback_site,
    send,
    with_kennis_plugins,
)
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import REPO, SiteBot

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    yield from open_feedback_site(tmp_path, github, app_key)


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


def test_reported_outdated_banner_after_rebuild_and_gone_after_confirmation(
    site: SiteBot,
) -> None:
    origin = site.origin
    with_kennis_plugins(origin)
    for _ in range(2):
        assert send(site, {"page": PAGE, "kind": "outdated"}).status == 202
    hostile = "<script>alert(1)</script> @everyone ![x](http://example.invalid/a.png)"
    assert send(site, {"page": PAGE, "kind": "wrong", "comment": hostile}).status == 202
    issue = wait_for(lambda: next(iter(feedback_issues(site)), None))
    wait_for(lambda: "kennis:outdated" in issue.labels)
    reports = site.data_dir / "feedback" / "reports.json"
    wait_for(lambda: reports.exists() and PAGE in reports.read_text())
    before, after = origin.git("rev-parse", "HEAD~1").strip(), origin.head
    wait_live_after(site, before, after)
    html = site.get("/ops/expenses-faq/").text
    assert "2 colleagues reported on" in html and "@sam-okafor has been asked" in html
    assert 'data-kennis-reported="outdated"' in html
    assert "alert(1)" not in html and "example.invalid" not in html  # reader text never shown
    # The owner says /verify on the feedback issue; the App's pull request is merged.
    command = site.sender.payload(
        "issue_comment",
        "created",
        repo=REPO,
        number=issue.number,
        sender="sam-okafor",
        overrides={"comment": {"id": 4242, "body": "/verify", "user": {"login": "sam-okafor"}}},
    )
    assert site.sender.send("issue_comment", payload=command).status == 202
    pulls = site.github.repo(REPO).issues.values
    pull = wait_for(lambda: next((i for i in pulls() if i.pull is not None), None))
    merged = origin.git("rev-parse", pull.pull.head_ref).strip()
    assert "reviewed_by" in origin.git("show", merged, "--", f"content/{PAGE}")
    origin.git("update-ref", "refs/heads/main", merged)
    wait_live_after(site, after, merged)
    html = site.get("/ops/expenses-faq/").text
    assert "may be out of date" not in html and 'data-kennis-reported="outdated"' not in html
    assert issue.state == "closed"
    assert "Thank you, 2 colleagues" in issue.comments[-1].body
    # The confirmer (the merged commit's Confirmed-by, not the pusher) is credited for it.
    credit = reviews_file(site.data_dir, REPO)
    wait_for(lambda: credit.exists() and read_resolved(credit.read_bytes(), "credit"))
    assert read_resolved(credit.read_bytes(), "credit") == {"sam-okafor": 1}
    assert read_reviews(credit.read_bytes(), "credit") == {}


def wait_live_after(site: SiteBot, before: str, after: str) -> None:
    from tests.sitebot import wait_live

    site.push(before, after)
    wait_live(site, after, timeout=60)


FORMS = {
    "issue-form": (
        f"[outdated] {PAGE}",
        f"### Page\n\n{PAGE}\n\n### What is out of date?\n\nThe limit changed @everyone\n",
    ),
    "page-info-link": (
        "Outdated: Expenses FAQ",
        f"The page **Expenses FAQ** (`content/{PAGE}`) looks outdated.\n"
        "Owner: @sam-okafor, please take a look.\n\nWhat is wrong or missing?\n\n"
        "The limit changed @everyone\n",
    ),
}


@pytest.mark.parametrize("kind", list(FORMS), ids=list(FORMS))
def test_an_issue_from_the_form_joins_the_pages_issue(site: SiteBot, kind: str) -> None:
    title, body = FORMS[kind]
    form = site.github.add_issue(REPO, title, author="dana", body=body)
    payload = site.sender.payload("issues", "opened", repo=REPO, number=form.number, sender="dana")
    assert site.sender.send("issues", payload=payload).status == 202
    wait_for(lambda: form.state == "closed")
    (issue,) = feedback_issues(site)
    assert issue.number != form.number
    assert "| outdated | 1 |" in (issue.body or "") and issue.assignees == ["sam-okafor"]
    assert f"joins #{issue.number}" in form.comments[-1].body
    comment = wait_for(lambda: issue.comments and issue.comments[0].body)
    assert "The limit changed" in comment and "@everyone" not in comment


def test_writes_are_coalesced_and_an_unchanged_tally_writes_nothing(site: SiteBot) -> None:
    writes: list[float] = []
    stop = threading.Event()

    def issue_writes() -> int:
        return sum("/issues" in r.path for r in site.github.writes())

    def watch() -> None:
        seen = issue_writes()
        while not stop.is_set():
            now = issue_writes()
            writes.extend([time.monotonic()] * (now - seen))
            seen = now
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    for n in range(8):
        assert send(site, {"page": PAGE, "kind": "outdated", "comment": f"c{n}"}).status == 202
    wait_for(lambda: (feedback_issues(site) or [None])[0] is not None)
    issue = feedback_issues(site)[0]
    posted = lambda: " ".join(c.body for c in issue.comments)  # noqa: E731
    wait_for(
        lambda: (
            "| outdated | 8 |" in (issue.body or "") and all(f"c{n}" in posted() for n in range(8))
        )
    )
    settled_at = issue_writes()  # the stand-in's own count: the watcher may be a poll behind
    time.sleep(3)  # three more windows: nothing changed, nothing is written
    stop.set()
    watcher.join()
    assert issue_writes() == settled_at
    gaps = [b - a for a, b in itertools.pairwise(writes)]
    assert all(gap > 0.9 for gap in gaps), gaps  # at most one write per page per second here
    assert len(feedback_issues(site)) == 1


def test_the_sso_identity_is_shown_and_the_owners_own_report_is_enough(site: SiteBot) -> None:
    assert site.bot is not None
    site.bot.stop(signal.SIGKILL)
    site.env = {**(site.env or {}), "KENNIS_FEEDBACK_IDENTITY_HEADER": "X-Forwarded-User"}
    site.start()
    body = {"page": PAGE, "kind": "outdated", "comment": "New limits from January"}
    assert send(site, body, **{"X-Forwarded-User": "sam-okafor"}).status == 202
    issue = wait_for(lambda: next((i for i in feedback_issues(site) if i.comments), None))
    assert issue.comments[0].body.startswith("sam\\-okafor (outdated, ")  # Markdown-escaped
    assert "kennis:outdated" in issue.labels  # one report, but from the page's owner


def test_a_reported_page_goes_to_the_top_of_its_owners_review_due_issue(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey
) -> None:
    from datetime import date

    from kennis import feedback as fb
    from tests.duebot import REPO as DUE_REPO
    from tests.duebot import listed, make_world, open_issues, scan

    world = make_world(tmp_path, github, app_key)
    reports = [
        fb.Report(f"r{n}", "content/fresh.md", "outdated", date(2026, 2, 27)) for n in (1, 2)
    ]
    github.add_issue(
        DUE_REPO,
        fb.issue_title("content/fresh.md"),
        author="kennis-bot[bot]",
        body=fb.issue_body("content/fresh.md", "@alice", reports, 2, None),
        labels=[fb.LABEL, fb.OUTDATED_LABEL],
    )
    result = scan(world)
    assert result.returncode == 0, result.stderr
    alice = open_issues(github)["@alice"]
    # fresh.md is not due at all: it is listed first because readers reported it.
    assert listed(alice) == [
        "content/fresh.md",
        "content/old.md",
        "content/due.md",
        "content/soon.md",
    ]
    first = next(line for line in alice.body.splitlines() if line.startswith("- ["))
    assert first.endswith("**reported outdated by readers**")
