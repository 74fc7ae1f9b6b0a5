"""End to end: a knowledge request is triaged, claimed into a draft PR and closed when merged."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from kennis.requests import (
    CLAIMED,
    LABEL,
    OPEN,
    TRIAGE_MARKER,
    RequestForm,
    form_body,
    parse_form,
)
from tests.botproc import SECRET, start_bot, wait_for
from tests.duebot import git, merge, pulls, settled
from tests.github_standin.markdown import mentions, references
from tests.gitrepo import GitRepo
from tests.kbfiles import page

REPO = "acme/kb"
NOW = datetime.now(UTC).replace(microsecond=0)


def _noreply(login: str) -> str:
    return f"{login.title()} <12+{login}@users.noreply.github.com>"


def _when(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


def make_world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    """Section operations: owned by @olivia with @oscar; recent editors pat 3, quinn 2, sam 1,
    tom 1, the requester rita 4; uma edited only a page nobody touched for two years."""
    src = GitRepo(tmp_path / "src")
    src.write(".github/kennis.yml", "site_url: https://kb.example.com/\n")
    src.write("content/operations/.meta.yml", 'owner: "@olivia"\ncoauthors: ["@oscar"]\n')
    src.write("content/operations/closing.md", page(title="Closing", reviewed="2026-01-01"))
    src.write("content/operations/old.md", page(title="Old", reviewed="2026-01-01"))
    src.write("content/operations/rota.md", page(title="Night rota", status="wanted"))
    src.write("content/people/.meta.yml", 'owner: "@hr"\n')
    src.write("content/people/leave.md", page(title="Leave", reviewed="2026-01-01"))
    src.commit("Start", author="Kim <kim@example.com>", date=_when(900))
    src.write("content/operations/old.md", page(title="Old", reviewed="2024-01-01"))
    src.commit("Old edit", author=_noreply("uma"), date=_when(800))
    edits = [("rita", 4), ("pat", 3), ("quinn", 2), ("tom", 1), ("sam", 1)]
    n = 0
    for login, count in edits:
        for _ in range(count):
            n += 1
            src.write("content/operations/closing.md", page(title="Closing") + f"\nEdit {n}\n")
            src.commit(f"Edit {n}", author=_noreply(login), date=_when(60 - n))
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(src.root), str(remote)], check=True)
    github.add_repo(REPO, clone_url=f"file://{remote}")
    for login in ("olivia", "oscar", "rita", "bob"):
        github.add_collaborator(REPO, login, "pull")
    github.add_collaborator(REPO, "carol", "push")
    env = {
        "KENNIS_APP_ID": str(app_key.app_id),
        "KENNIS_PRIVATE_KEY": app_key.private_key_pem,
        "KENNIS_GITHUB_API_URL": github.base_url,
    }
    return {"remote": remote, "data": tmp_path / "bot", "env": env, "tmp": tmp_path}


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


def _request(github: Any, title: str, section: str) -> Any:
    form = RequestForm("How do we close the till?", "Closing on my own", section, "")
    return github.add_issue(REPO, title, author="rita", body=form_body(form), labels=[LABEL])


def _claim(sender: Any, number: int, login: str, comment_id: int, text: str = "/claim") -> Any:
    overrides = {"comment": {"id": comment_id, "body": text}}
    payload = sender.payload(
        "issue_comment", "created", repo=REPO, number=number, sender=login, overrides=overrides
    )
    return sender.send("issue_comment", payload=payload)


def _front(remote: Path, ref: str, path: str) -> dict[str, Any]:
    text = git(remote, "show", f"{ref}:{path}")
    return yaml.safe_load(text.split("---\n")[1])


def _kennis_check(remote: Path, ref: str, where: Path) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "clone", "-q", "-b", ref, str(remote), str(where)], check=True)
    return subprocess.run(
        [sys.executable, "-m", "kennis", "check"], cwd=where, capture_output=True, text=True
    )


@pytest.mark.slow  # runs kennis-bot against the stand-in
def test_a_request_is_triaged_once_claimed_into_one_draft_and_closed_when_merged(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    issue = _request(github, "Request: Closing the till", "operations")
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        opened = sender.payload("issues", "opened", repo=REPO, number=issue.number, sender="rita")
        sender.send("issues", payload=opened)
        sender.send("issues", payload=opened)  # redelivered
        settled(bot, 2)
        triage = [c for c in issue.comments if TRIAGE_MARKER in c.body]
        assert len(triage) == 1
        named = re.search(r"part of the knowledge base: (.*?)\.", triage[0].body)
        assert named is not None
        assert named.group(1).split(", ") == ["@olivia", "@oscar", "@pat", "@quinn", "@sam"]
        assert OPEN in issue.labels

        _claim(sender, issue.number, "bob", 9001)
        _claim(sender, issue.number, "bob", 9001)  # redelivered
        settled(bot, 4)
        assert issue.assignees == ["bob"]
        assert CLAIMED in issue.labels and OPEN not in issue.labels
        (pr,) = pulls(github)
        assert pr.pull.draft and pr.pull.head_ref == f"kennis/request-{issue.number}"
        files = git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split()
        assert files == ["content/operations/closing-the-till.md"]
        front = _front(world["remote"], pr.pull.head_ref, files[0])
        url = f"{github.base_url}/{REPO}/issues/{issue.number}"
        assert (front["owner"], front["status"], front["requested_in"]) == ("@bob", "draft", url)
        assert front["title"] == "Closing the till"
        checked = _kennis_check(world["remote"], pr.pull.head_ref, world["tmp"] / "co")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Left to write" in (pr.body or "") and "The short version" in (pr.body or "")

        before = len(issue.comments)
        _claim(sender, issue.number, "carol", 9002)
        settled(bot, 5)
        assert len(pulls(github)) == 1 and issue.assignees == ["bob"]
        assert len(issue.comments) == before + 1 and "@bob" in issue.comments[-1].body

        merge(world["remote"], pr)
        pr.pull.merged = True
        closed = sender.payload(
            "pull_request",
            "closed",
            repo=REPO,
            number=pr.number,
            sender="olivia",
            overrides={"pull_request": {"merged": True}},
        )
        sender.send("pull_request", payload=closed)
        sender.send("pull_request", payload=closed)  # redelivered
        settled(bot, 7)
    finally:
        bot.stop()
    assert issue.state == "closed" and issue.state_reason == "completed"
    thanks = [c.body for c in issue.comments if "Thank you" in c.body]
    assert len(thanks) == 1 and "@rita" in thanks[0] and "@bob" in thanks[0]


@pytest.mark.slow  # runs kennis-bot against the stand-in
def test_a_claim_turns_the_wanted_stub_strangers_get_replies_and_unclaim_is_the_claimers(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    issue = _request(github, "Request: Night rota", "operations")
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        _claim(sender, issue.number, "mallory", 9100)  # no access to the repository
        settled(bot, 1)
        assert pulls(github) == [] and issue.assignees == []
        assert "only people with access" in issue.comments[-1].body
        _claim(sender, issue.number, "bob", 9101)
        settled(bot, 2)
        (pr,) = pulls(github)
        files = git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split()
        assert files == ["content/operations/rota.md"]
        front = _front(world["remote"], pr.pull.head_ref, files[0])
        assert (front["title"], front["owner"], front["status"]) == ("Night rota", "@bob", "draft")
        _claim(sender, issue.number, "carol", 9102, "/unclaim")  # not hers to give back
        settled(bot, 3)
        assert issue.assignees == ["bob"] and "only @bob" in issue.comments[-1].body
        _claim(sender, issue.number, "bob", 9103, "/unclaim")
        settled(bot, 4)
        replies = len(issue.comments)
        _claim(sender, issue.number, "bob", 9103, "/unclaim")  # redelivered
        settled(bot, 5)
        assert len(issue.comments) == replies and "open again" in issue.comments[-1].body
    finally:
        bot.stop()
    assert issue.assignees == [] and OPEN in issue.labels and CLAIMED not in issue.labels


def _post(bot: Any, body: dict[str, Any]) -> Any:
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Origin": "https://kb.example.com"}
    return bot.request("POST", "/requests", raw, headers)


@pytest.mark.slow  # runs kennis-bot against the stand-in
def test_a_reader_without_an_account_files_the_same_request_limited_and_neutralised(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    env = dict(world["env"], KENNIS_SITE_REPO=REPO, KENNIS_SITE_URL="https://kb.example.com/")
    bot = start_bot(world["data"], **env, KENNIS_FEEDBACK_LIMIT="2")
    need = "How do we close the till? cc @acme/everyone see #12 <img src=x>"
    try:
        answer = _post(bot, {"need": need, "purpose": "Closing alone", "section": "operations"})
        assert answer.status == 202, answer.body
        assert _post(bot, {"need": ""}).status == 400
        assert _post(bot, {"need": "again"}).status == 429  # two per window
        (issue,) = wait_for(
            lambda: [i for i in github.repo(REPO).issues.values() if LABEL in i.labels]
        )
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        sender.send("issues", "opened", repo=REPO, number=issue.number)
        wait_for(lambda: any(TRIAGE_MARKER in c.body for c in issue.comments))
    finally:
        bot.stop()
    assert issue.title.startswith("Request: How do we close the till?")
    form = parse_form(issue.body)
    assert (form.purpose, form.section) == ("Closing alone", "operations")
    assert mentions(issue.body) == [] and references(issue.body) == []
    assert "<img" not in issue.body and "@\u200dacme/everyone" in issue.body
    triage = next(c.body for c in issue.comments if TRIAGE_MARKER in c.body)
    assert "@olivia, @oscar, @rita, @pat, @quinn." in triage  # no requester to leave out
