"""The review-due world: pages due for review in a bare origin the stand-in knows, and `kennis-bot scan`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

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


def make_world(
    tmp_path: Path, github: Any, app_key: Any, files: dict[str, str] | None = None
) -> dict[str, Any]:
    """The origin (bare, filters allowed), the stand-in's view of it and the bot's environment."""
    src = GitRepo(tmp_path / "src")
    for path, text in (FILES if files is None else files).items():
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


def tick_due_box(world: dict[str, Any], github: Any, webhook_sender: Any, times: int = 1) -> None:
    """Scan; alice ticks her first due page in her issue; a started bot gets the edit *times*."""
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
        for _ in range(times):  # GitHub may send an edit again: a new delivery, same change
            sender.send("issues", payload=payload)
        settled(bot, times)
    finally:
        bot.stop()
