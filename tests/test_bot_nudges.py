"""End to end: the scan nudges owners of knowledge PRs waiting past review_nudge_after, once a period."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kennis.nudges import working_days
from tests.botproc import bot_command, bot_env
from tests.duebot import REPO, git, make_world

NUDGE = "<!-- kennis:nudge period="


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


def _scan(world: dict[str, Any], as_of: date) -> None:
    env = bot_env(world["data"], **world["env"])
    done = subprocess.run(
        bot_command("scan", "--as-of", as_of.isoformat()),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def _open_pr(world: dict[str, Any], github: Any, path: str, branch: str, **kw: Any) -> int:
    """A branch in the origin editing one page, and its pull request by mallory."""
    remote = world["remote"]
    tree = git(remote, "rev-parse", "main^{tree}").strip()
    text = git(remote, "show", f"main:{path}") + "\nOne more line.\n"
    blob = subprocess.run(
        ["git", "-C", str(remote), "hash-object", "-w", "--stdin"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    index = str(remote / f"index-{branch}")
    env = {"GIT_INDEX_FILE": index}
    run = {"capture_output": True, "text": True, "check": True}
    subprocess.run(["git", "-C", str(remote), "read-tree", tree], env=env, **run)
    subprocess.run(
        ["git", "-C", str(remote), "update-index", "--cacheinfo", f"100644,{blob},{path}"],
        env=env,
        **run,
    )
    new_tree = subprocess.run(["git", "-C", str(remote), "write-tree"], env=env, **run)
    ident = {
        "GIT_AUTHOR_NAME": "Mallory",
        "GIT_AUTHOR_EMAIL": "mallory@example.com",
        "GIT_COMMITTER_NAME": "Mallory",
        "GIT_COMMITTER_EMAIL": "mallory@example.com",
    }
    sha = subprocess.run(
        [
            "git",
            "-C",
            str(remote),
            "commit-tree",
            new_tree.stdout.strip(),
            "-p",
            "main",
            "-m",
            "Edit",
        ],
        env=ident,
        **run,
    ).stdout.strip()
    git(remote, "update-ref", f"refs/heads/{branch}", sha)
    number = int(github.add_pr(REPO, author="mallory", head_ref=branch, **kw).number)
    git(remote, "update-ref", f"refs/pull/{number}/head", sha)
    return number


def _nudges(github: Any, number: int) -> list[str]:
    return [c.body for c in github.issue(REPO, number).comments if NUDGE in c.body]


def _after(opened: date, days: int) -> date:
    day = opened
    while working_days(opened, day) < days:
        day += timedelta(days=1)
    return day


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_waiting_pr_gets_one_nudge_per_period_and_drafts_and_changes_requested_none(
    world: dict[str, Any], github: Any
) -> None:
    waiting = _open_pr(world, github, "content/gone.md", "edit-gone")
    draft = _open_pr(world, github, "content/due.md", "edit-due", draft=True)
    asked = _open_pr(world, github, "content/old.md", "edit-old")
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    as_alice.get_repo(REPO).get_pull(asked).create_review(event="REQUEST_CHANGES", body="Fix")
    opened = datetime.fromisoformat(github.issue(REPO, waiting).created_at).date()
    _scan(world, _after(opened, 2))  # not yet: 3 working days is the default threshold
    assert _nudges(github, waiting) == []
    _scan(world, _after(opened, 3))
    [first] = _nudges(github, waiting)
    assert "@dave" in first and "@erin" not in first and "`content/gone.md`" in first
    _scan(world, _after(opened, 4))  # a second scan in the same period: nothing new
    assert len(_nudges(github, waiting)) == 1
    _scan(world, _after(opened, 6))  # another period: the co-authors are asked too
    second = _nudges(github, waiting)[1]
    assert "period=2" in second and "@dave" in second and "@erin" in second
    assert _nudges(github, draft) == [] and _nudges(github, asked) == []
