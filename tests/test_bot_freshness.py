"""End to end: the freshness scan and the confirm flows against the GitHub stand-in, real git."""

from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kennis.due_issue import LABEL
from tests.botproc import SECRET, bot_command, bot_env, deliveries_json, start_bot, wait_for
from tests.gitrepo import GitRepo
from tests.kbfiles import page

REPO = "acme/kb"
AS_OF = "2026-03-01"
CONFIG = "review_every: 6 months\ndue_soon: 30 days\nsite_url: https://kb.example.com/\n"
# As of 2026-03-01 with review_every 6 months and due_soon 30 days:
FILES = {
    ".github/kennis.yml": CONFIG,
    "content/fresh.md": page(title="Fresh", owner='"@alice"', reviewed="2026-01-01"),
    "content/soon.md": page(title="Soon", owner='"@alice"', reviewed="2025-09-20"),  # due soon
    "content/due.md": page(title="Due", owner='"@alice"', reviewed="2025-08-01"),  # due
    "content/old.md": page(title="Old", owner='"@alice"', reviewed="2025-01-10"),  # overdue
    "content/ever.md": page(title="Ever", owner='"@carol"', review_every="never"),  # evergreen
    "content/nodate.md": page(title="No date", owner='"@carol"'),  # first commit 2025-01-01
    "content/ops/.meta.yml": 'owner: "@acme/ops"\n',
    "content/ops/run.md": page(title="Run", reviewed="2025-08-01"),  # due, team-owned
    "content/gone.md": page(
        title="Gone", owner='"@dave"', coauthors='["@erin"]', reviewed="2025-08-01"
    ),  # dave left: goes to erin
}
EXPECTED = {
    "@alice": ["content/old.md", "content/due.md", "content/soon.md"],
    "@carol": ["content/nodate.md"],
    "@acme/ops": ["content/ops/run.md"],
    "@erin": ["content/gone.md"],
}


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    src = GitRepo(tmp_path / "src")
    for path, text in FILES.items():
        src.write(path, text)
    src.commit("Start the knowledge base", date="2025-01-01T09:00:00+00:00")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(src.root), str(remote)], check=True)
    subprocess.run(
        ["git", "-C", str(remote), "config", "uploadpack.allowFilter", "true"], check=True
    )
    github.add_repo(REPO, clone_url=f"file://{remote}")
    for login in ("alice", "carol", "erin", "mallory"):
        github.add_collaborator(REPO, login)
    github.add_team("acme", "ops", ["olivia"])
    env = {
        "KENNIS_APP_ID": str(app_key.app_id),
        "KENNIS_PRIVATE_KEY": app_key.private_key_pem,
        "KENNIS_GITHUB_API_URL": github.base_url,
        "KENNIS_EXTRA_HANDLERS": "review_bot.review_due,review_bot.confirm",
    }
    return {"remote": remote, "data": tmp_path / "bot", "env": env}


def scan(world: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    env = bot_env(world["data"], **world["env"])
    return subprocess.run(
        bot_command("scan", "--as-of", AS_OF, *args),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def open_issues(github: Any) -> dict[str, Any]:
    found = {}
    for issue in github.repo(REPO).issues.values():
        if issue.pull is None and issue.state == "open" and LABEL in issue.labels:
            owner = issue.body.split("owner=", 1)[1].split(" ", 1)[0]
            assert owner not in found, f"two open issues for {owner}"
            found[owner] = issue
    return found


def listed(issue: Any) -> list[str]:
    return [line.split("`")[1] for line in issue.body.splitlines() if line.startswith("- [")]


def pulls(github: Any) -> list[Any]:
    return [i for i in github.repo(REPO).issues.values() if i.pull is not None]


def git(remote: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(remote), *args], capture_output=True, text=True, check=True
    ).stdout


def content_writes(github: Any) -> list[tuple[str, str]]:
    """Write calls, without the token exchange every new process makes (that changes nothing)."""
    return [(r.method, r.path) for r in github.writes() if not r.path.endswith("/access_tokens")]


def merge(remote: Path, pr: Any) -> None:
    """The stand-in has no merge endpoint: fast-forward main to the PR head, as a merge would."""
    git(remote, "update-ref", "refs/heads/main", git(remote, "rev-parse", pr.pull.head_ref).strip())
    pr.state = "closed"


def settled(bot: Any, count: int) -> None:
    wait_for(
        lambda: sum(d["state"] in ("done", "dead") for d in deliveries_json(bot.data_dir)) >= count,
        timeout=60,
    )


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_scan_lists_exactly_the_due_pages_per_owner_and_a_second_scan_writes_nothing(
    world: dict[str, Any], github: Any
) -> None:
    first = scan(world)
    assert first.returncode == 0, first.stderr
    issues = open_issues(github)
    assert {owner: listed(issue) for owner, issue in issues.items()} == EXPECTED
    assert issues["@alice"].assignees == ["alice"]
    assert issues["@acme/ops"].assignees == []  # a team is mentioned, not assigned
    assert "@acme/ops, these pages" in issues["@acme/ops"].body
    assert "escalated from @dave (no longer has access" in issues["@erin"].body
    assert "[Old](https://kb.example.com/old/) — `content/old.md` — due 2025-07-10" in (
        issues["@alice"].body
    )
    assert "— due 2025-07-01 (243 days overdue)" in issues["@carol"].body  # from git history
    github.clear_log()
    second = scan(world)
    assert second.returncode == 0, second.stderr
    assert content_writes(github) == []
    assert "no writes" in second.stdout


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_tick_by_the_owner_opens_one_pr_and_the_merged_page_leaves_the_issue(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    old_body = issue.body
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    as_alice.get_repo(REPO).get_issue(issue.number).edit(
        body=old_body.replace("- [ ] [Due]", "- [x] [Due]")
    )
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        payload = sender.payload(
            "issues",
            "edited",
            repo=REPO,
            number=issue.number,
            sender="alice",
            overrides={"changes": {"body": {"from": old_body}}},
        )
        sender.send("issues", payload=payload)
        sender.send("issues", payload=payload)  # GitHub sends again: a new delivery, same edit
        settled(bot, 2)
    finally:
        bot.stop()
    prs = pulls(github)
    assert len(prs) == 1
    pr = prs[0]
    assert pr.pull.head_ref.startswith("kennis/verify-alice-")
    diff = git(world["remote"], "diff", "--unified=0", "main", pr.pull.head_ref)
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert [line.split(":")[0] for line in changed] == ["-reviewed", "+reviewed", "+reviewed_by"]
    assert '+reviewed_by: "@alice"' in changed
    assert git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split() == [
        "content/due.md"
    ]
    merge(world["remote"], pr)
    assert scan(world).returncode == 0
    assert listed(open_issues(github)["@alice"]) == ["content/old.md", "content/soon.md"]


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_two_ticks_a_moment_apart_land_in_one_pr_that_confirms_both_pages(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    bodies = [issue.body]
    for box in ("- [ ] [Due]", "- [ ] [Old]"):
        bodies.append(bodies[-1].replace(box, box.replace("[ ]", "[x]")))
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        payloads = []
        for before, after in pairwise(bodies):
            as_alice.get_repo(REPO).get_issue(issue.number).edit(body=after)
            payloads.append(
                sender.payload(
                    "issues",
                    "edited",
                    repo=REPO,
                    number=issue.number,
                    sender="alice",
                    overrides={"issue": {"body": after}, "changes": {"body": {"from": before}}},
                )
            )
        for payload in payloads:  # two deliveries, two workers, no wait in between
            sender.send("issues", payload=payload)
        settled(bot, 2)
    finally:
        bot.stop()
    [pr] = pulls(github)
    assert pr.pull.head_ref.startswith("kennis/verify-alice-")
    assert git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split() == [
        "content/due.md",
        "content/old.md",
    ]
    diff = git(world["remote"], "diff", "main", pr.pull.head_ref)
    assert diff.count('+reviewed_by: "@alice"') == 2
    assert len(git(world["remote"], "rev-list", f"main..{pr.pull.head_ref}").split()) == 2


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_tick_after_the_days_pr_was_closed_unmerged_starts_afresh_from_main(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        before = issue.body
        for n, box in enumerate(("- [ ] [Due]", "- [ ] [Old]"), start=1):
            after = before.replace(box, box.replace("[ ]", "[x]"))
            as_alice.get_repo(REPO).get_issue(issue.number).edit(body=after)
            sender.send(
                "issues",
                payload=sender.payload(
                    "issues",
                    "edited",
                    repo=REPO,
                    number=issue.number,
                    sender="alice",
                    overrides={"changes": {"body": {"from": before}}},
                ),
            )
            settled(bot, n)
            if n == 1:
                [first] = pulls(github)
                first.state = "closed"  # not merged: the knowledge team turned it down
            before = after
    finally:
        bot.stop()
    [second] = [p for p in pulls(github) if p.state == "open"]
    assert second.pull.head_ref == first.pull.head_ref  # today's branch, reused
    assert git(world["remote"], "diff", "--name-only", "main", second.pull.head_ref).split() == [
        "content/old.md"
    ]  # the turned-down confirmation of due.md is not brought back


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_verify_by_a_stranger_gets_a_reply_and_by_the_owner_closes_the_issue_after_merge(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@carol"]
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        github.add_issue  # noqa: B018 — comments are seeded through the API below
        stranger = sender.payload(
            "issue_comment",
            "created",
            repo=REPO,
            number=issue.number,
            sender="mallory",
            overrides={"comment": {"id": 501, "body": "/verify content/nodate.md"}},
        )
        sender.send("issue_comment", payload=stranger)
        owner = sender.payload(
            "issue_comment",
            "created",
            repo=REPO,
            number=issue.number,
            sender="carol",
            overrides={"comment": {"id": 502, "body": "/verify content/nodate.md"}},
        )
        first = sender.send("issue_comment", payload=owner)
        sender.send("issue_comment", payload=owner, delivery_id=first.delivery_id)  # redelivery
        sender.send("issue_comment", payload=owner)  # and a fresh delivery of the same comment
        settled(bot, 3)
    finally:
        bot.stop()
    replies = [c for c in github.issue(REPO, issue.number).comments if c.user.endswith("[bot]")]
    assert len(replies) == 1
    assert "@mallory" in replies[0].body and "`content/nodate.md`: @carol" in replies[0].body
    prs = pulls(github)
    assert len(prs) == 1 and prs[0].pull.head_ref.startswith("kennis/verify-carol-")
    merge(world["remote"], prs[0])
    github.clear_log()
    assert scan(world).returncode == 0
    closed = github.issue(REPO, issue.number)
    assert closed.state == "closed"
    assert "thank you" in closed.body
    assert "@carol" not in open_issues(github)
    assert content_writes(github) == [("PATCH", f"/repos/{REPO}/issues/{issue.number}")]


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_running_out_of_api_budget_reports_incomplete_and_the_next_scan_resumes(
    world: dict[str, Any], github: Any
) -> None:
    github.faults.add(
        "POST", rf"/repos/{REPO}/issues", "primary_rate_limit", count=1, retry_after=3600
    )
    first = scan(world)
    assert first.returncode == 3
    assert "incomplete" in first.stdout and "resumes next time" in first.stderr
    second = scan(world)
    assert second.returncode == 0, second.stderr
    assert {owner: listed(issue) for owner, issue in open_issues(github).items()} == EXPECTED


def test_the_schedule_queues_one_durable_scan_per_period(tmp_path: Path) -> None:
    from review_bot.ledger import Ledger
    from review_bot.review_due import SCAN_EVENT, enqueue_scan

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    every = 6 * 3600.0
    start = 1_772_323_200.0  # 2026-03-01T00:00:00Z, a period boundary
    assert enqueue_scan(ledger, every, now=start + 10)
    assert not enqueue_scan(ledger, every, now=start + 3600)  # same period: deduplicated
    assert enqueue_scan(ledger, every, now=start + every + 1)  # the next period
    rows = ledger.recent(None, 10)
    assert sorted(r.id for r in rows) == [
        f"kennis-scan-{int(start)}",
        f"kennis-scan-{int(start + every)}",
    ]
    assert {r.event for r in rows} == {SCAN_EVENT}


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_ticking_the_confirm_box_in_the_review_comment_pushes_the_bump_to_the_pr_branch(
    world: dict[str, Any], github: Any, webhook_sender: Any, tmp_path: Path
) -> None:
    from kennis.confirm import SECTION_MARKER

    work = GitRepo(tmp_path / "work", init=False)
    subprocess.run(["git", "clone", "-q", str(world["remote"]), str(work.root)], check=True)
    work.git("checkout", "-q", "-b", "edit-due")
    work.append("content/due.md", "\nOne more step.\n").commit(
        "Edit due", date="2026-02-20T10:00:00+00:00"
    )
    work.git("push", "-q", "origin", "edit-due")
    pr = github.add_pr(REPO, head_ref="edit-due", author="bob")
    box = "- [{}] `content/due.md` — due 2026-02-01 — confirm: @alice <!-- kennis:confirm path=content/due.md -->"
    old = f"<!-- kennis:reviewers -->\n{SECTION_MARKER}\n{box.format(' ')}\n"
    new = old.replace("- [ ]", "- [x]")
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        edited = sender.payload(
            "issue_comment",
            "edited",
            repo=REPO,
            number=pr.number,
            sender="alice",
            overrides={"comment": {"id": 777, "body": new}, "changes": {"body": {"from": old}}},
        )
        # The bot wrote the comment (a new dict: the stand-in shares one for sender and author).
        edited["comment"]["user"] = {"login": "kennis-bot[bot]", "type": "Bot"}
        sender.send("issue_comment", payload=edited)
        settled(bot, 1)
    finally:
        bot.stop()
    log = git(world["remote"], "log", "--format=%s", "main..edit-due").splitlines()
    assert log == ["Confirm content/due.md still accurate", "Edit due"]
    text = git(world["remote"], "show", "edit-due:content/due.md")
    assert 'reviewed_by: "@alice"' in text and "One more step." in text
    assert len(pulls(github)) == 1  # pushed to the PR branch, no new pull request
