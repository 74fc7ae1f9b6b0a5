"""End to end: confirming pages with a tick or /verify opens one pull request, against the stand-in."""

from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.botproc import SECRET, start_bot
from tests.duebot import (
    REPO,
    content_writes,
    git,
    listed,
    make_world,
    merge,
    open_issues,
    pulls,
    scan,
    settled,
    tick_due_box,
)
from tests.gitrepo import GitRepo


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_tick_by_the_owner_opens_one_pr_and_the_merged_page_leaves_the_issue(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    tick_due_box(world, github, webhook_sender, times=2)  # the second delivery changes nothing
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
