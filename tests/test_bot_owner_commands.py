"""End to end: /archive, /handover, /snooze and ticked action rows land as one PR, against the stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.botproc import SECRET, start_bot
from tests.duebot import REPO, git, listed, make_world, merge, open_issues, pulls, scan, settled


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


def _changed_lines(remote: Path, head: str) -> dict[str, list[str]]:
    """Per file, the +/- lines of the PR's diff (no context): exactly what the PR changes."""
    result: dict[str, list[str]] = {}
    for name in git(remote, "diff", "--name-only", "main", head).split():
        diff = git(remote, "diff", "--unified=0", "main", head, "--", name)
        result[name] = [
            line
            for line in diff.splitlines()
            if line[:1] in "+-" and line[:3] not in ("+++", "---")
        ]
    return result


def _comment(sender: Any, number: int, login: str, comment_id: int, body: str) -> Any:
    return sender.payload(
        "issue_comment",
        "created",
        repo=REPO,
        number=number,
        sender=login,
        overrides={"comment": {"id": comment_id, "body": body}},
    )


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_owner_commands_open_one_pr_with_exactly_those_changes_and_strangers_get_a_reply(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    body = (
        "/archive content/due.md\n/handover content/old.md @carol\n/snooze content/soon.md 2 weeks"
    )
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        stranger = _comment(sender, issue.number, "mallory", 601, "/archive content/old.md")
        sender.send("issue_comment", payload=stranger)
        owner = _comment(sender, issue.number, "alice", 602, body)
        first = sender.send("issue_comment", payload=owner)
        sender.send("issue_comment", payload=owner, delivery_id=first.delivery_id)  # redelivery
        sender.send("issue_comment", payload=owner)  # a fresh delivery of the same comment
        settled(bot, 3)
    finally:
        bot.stop()
    replies = [c for c in github.issue(REPO, issue.number).comments if c.user.endswith("[bot]")]
    assert len(replies) == 1 and "@mallory" in replies[0].body and "@alice" in replies[0].body
    [pr] = pulls(github)
    head = pr.pull.head_ref
    assert head.startswith("kennis/verify-alice-")
    changes = _changed_lines(world["remote"], head)
    day = git(world["remote"], "log", "-1", "--format=%cs", head).strip()
    assert changes["content/due.md"] == ["+status: archived", f"+archived: {day}"]
    assert changes["content/old.md"] == [
        '-owner: "@alice"',
        '+owner: "@carol"',
        '+coauthors: ["@alice"]',
    ]
    [snooze] = changes["content/soon.md"]
    assert snooze.startswith("+snoozed_until: ")
    assert sorted(changes) == ["content/due.md", "content/old.md", "content/soon.md"]
    listed_pages = [line for line in (pr.body or "").splitlines() if line.startswith("- ")]
    assert sorted(listed_pages) == [f"- `content/{n}.md`" for n in ("due", "old", "soon")]
    trailers = git(world["remote"], "log", "--format=%(trailers)", f"main..{head}")
    for key in ("Archived-by", "Handed-over-by", "Snoozed-by"):
        assert f"{key}: alice <alice@users.noreply.github.com>" in trailers
    assert len(git(world["remote"], "rev-list", f"main..{head}").split()) == 3  # no repeats
    assert "carol" in pr.pull.requested_users  # the new owner is asked too
    merge(world["remote"], pr)
    assert scan(world).returncode == 0
    issues = open_issues(github)
    assert "@alice" not in issues  # archived, handed over and snoozed: nothing left for alice
    assert sorted(listed(issues["@carol"])) == ["content/nodate.md", "content/old.md"]


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_ticked_action_rows_archive_and_confirm_all_in_the_owners_pr(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    old_body = issue.body
    row = "  - [ ] archive (kept for history) <!-- kennis:act archive path=content/old.md -->"
    assert row in old_body
    new_body = old_body.replace(row, row.replace("[ ]", "[x]")).replace(
        "* [ ] **Confirm all**", "* [x] **Confirm all**"
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
            overrides={"issue": {"body": new_body}, "changes": {"body": {"from": old_body}}},
        )
        sender.send("issues", payload=payload)
        sender.send("issues", payload=payload)  # sent again: nothing new
        settled(bot, 2)
    finally:
        bot.stop()
    [pr] = pulls(github)
    changes = _changed_lines(world["remote"], pr.pull.head_ref)
    assert sorted(changes) == ["content/due.md", "content/old.md", "content/soon.md"]
    assert '+reviewed_by: "@alice"' in changes["content/due.md"]
    assert "+status: archived" in changes["content/old.md"]
    assert len(git(world["remote"], "rev-list", f"main..{pr.pull.head_ref}").split()) == 2


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_command_on_a_pull_request_lands_on_its_branch(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    from tests.test_bot_nudges import _open_pr

    number = _open_pr(world, github, "content/old.md", "edit-old")
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        sender.send(
            "issue_comment",
            payload=_comment(sender, number, "alice", 701, "/snooze content/old.md 1 month"),
        )
        settled(bot, 1)
    finally:
        bot.stop()
    log = git(world["remote"], "log", "--format=%s%n%(trailers)", "main..edit-old")
    assert "content/old.md: snoozed for 1 month" in log
    assert "Snoozed-by: alice <alice@users.noreply.github.com>" in log
    assert "snoozed_until: " in git(world["remote"], "show", "edit-old:content/old.md")
    assert len(pulls(github)) == 1  # pushed to the pull request's branch, no new one


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_merged_confirmation_by_the_real_bot_is_credit_not_an_edit(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    from kennis.config import parse_config
    from kennis.history_build import index_for

    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        payload = _comment(sender, issue.number, "alice", 801, "/verify content/due.md")
        sender.send("issue_comment", payload=payload)
        settled(bot, 1)
    finally:
        bot.stop()
    [pr] = pulls(github)
    merge(world["remote"], pr)
    config = parse_config(b"")[0]
    page = index_for(world["remote"], config, rev="main", cache=False).pages["content/due.md"]
    assert page.last_modified.date().isoformat() == "2025-01-01"  # the page's own first commit
    assert all("kennis-bot" not in str(p) for p in page.contributors)
    assert page.commits == 1
    [credit] = page.credits
    assert (credit.kind, credit.person.email) == ("confirmed", "alice@users.noreply.github.com")
