"""A review-routing world for the end-to-end bot tests: a knowledge-base repo, the stand-in, the bot."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from github import Auth, Github

from tests.botproc import SECRET, BotProcess, start_bot, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.state import CheckRun, Comment
from tests.github_standin.webhooks import WebhookSender
from tests.gitrepo import GitRepo

REPO = "acme/kb"
MARKER = "<!-- kennis:reviewers -->"
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "zed"]


def page(title: str, owner: str, coauthors: list[str] | None = None, **extra: str) -> str:
    lines = [f"title: {title}", f'owner: "{owner}"']
    if coauthors is not None:
        lines.append("coauthors: [" + ", ".join(f'"{c}"' for c in coauthors) + "]")
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "---\n" + "\n".join(lines) + f"\n---\n# {title}\n\nText.\n"


BASE_PAGES = {
    ".github/kennis.yml": 'max_reviewers: 4\nfallback_owner: "@carol"\n',
    "content/hr/notes.md": page("Notes", "@zed"),
    "content/hr/leave.md": page("Leave", "@erin", ["@dave"], reviewed="2020-01-01"),
    "content/hr/payroll.md": page("Payroll", "@zed", ["@frank"]),
    "content/hr/pension.md": page("Pension", "@mallory", ["@frank"]),
    "content/kitchen/close.md": page("Closing <the> *kitchen* | at night", "@alice", ["@bob"]),
    "content/kitchen/open.md": page("Opening", "@acme/kitchen-leads"),
}


class World:
    """A knowledge-base repository on disk, known to the stand-in, and a running bot."""

    def __init__(self, root: Path, github: GitHubStandIn, app_key: AppKey) -> None:
        self.root = root
        self.github = github
        self.app_key = app_key
        self.git = GitRepo(root / "origin")
        for path, text in BASE_PAGES.items():
            self.git.write(path, text)
        self.base = self.git.commit("Knowledge base", date="2025-06-01T10:00:00+00:00")
        github.add_repo(REPO, clone_url=self.git.root.resolve().as_uri())
        for login in PEOPLE:
            github.add_collaborator(REPO, login)
        github.add_team("acme", "kitchen-leads", ["gina", "hank"])
        self.bot: BotProcess | None = None
        self.sender: WebhookSender | None = None

    # -- git and the stand-in ------------------------------------------------------------------
    def _commit_on(self, branch: str, edits: Mapping[str, str | None], new: bool) -> str:
        self.git.git("checkout", "-q", *(["-b", branch, "main"] if new else [branch]))
        for path, text in edits.items():
            if text is None:
                self.git.rm(path)
            else:
                self.git.write(path, text)
        sha = self.git.commit(f"Edit on {branch}")
        self.git.git("checkout", "-q", "main")
        return sha

    def open_pr(
        self,
        edits: Mapping[str, str | None],
        *,
        branch: str = "feature",
        author: str = "zed",
        draft: bool = False,
    ) -> int:
        sha = self._commit_on(branch, edits, new=True)
        number = self.github.add_pr(REPO, author=author, head_ref=branch, draft=draft).number
        self.git.git("update-ref", f"refs/pull/{number}/head", sha)
        return number

    def push(self, number: int, branch: str, edits: Mapping[str, str | None]) -> str:
        sha = self._commit_on(branch, edits, new=False)
        self.git.git("update-ref", f"refs/pull/{number}/head", sha)
        with self.github.lock:
            self.github.pull(REPO, number).head_sha = sha
            self.github.repo(REPO)._sha_cache.clear()
        return sha

    # -- the bot -------------------------------------------------------------------------------
    def start(self) -> BotProcess:
        self.bot = start_bot(
            self.root / "data",
            KENNIS_APP_ID=str(self.app_key.app_id),
            KENNIS_PRIVATE_KEY=self.app_key.private_key_pem,
            KENNIS_GITHUB_API_URL=self.github.base_url,
            KENNIS_GITHUB_WRITE_PAUSE="0",  # production waits a second between writes
        )
        self.sender = WebhookSender(
            f"http://127.0.0.1:{self.bot.port}/webhook", SECRET, self.github
        )
        return self.bot

    def send(
        self,
        event: str,
        action: str,
        number: int,
        *,
        sender: str | None = None,
        delivery_id: str | None = None,
        **overrides: Any,
    ) -> str:
        assert self.sender is not None
        sent = self.sender.send(
            event,
            action,
            repo=REPO,
            number=number,
            sender=sender,
            delivery_id=delivery_id,
            overrides=overrides or None,
        )
        assert sent.status == 202, sent.body
        return sent.delivery_id

    def states(self) -> dict[str, str]:
        db = sqlite3.connect(f"file:{self.root / 'data' / 'ledger.sqlite3'}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT id, state FROM deliveries").fetchall())
        finally:
            db.close()

    def wait_done(self, *ids: str, timeout: float = 60) -> None:
        def done() -> bool:
            states = self.states()
            dead = [i for i in ids if states.get(i) == "dead"]
            assert not dead, f"dead deliveries {dead}:\n{self.bot.log() if self.bot else ''}"
            return all(states.get(i) == "done" for i in ids)

        wait_for(done, timeout=timeout)

    # -- what GitHub now shows -----------------------------------------------------------------
    def requested(self, number: int) -> tuple[list[str], list[str]]:
        pull = self.github.pull(REPO, number)
        return sorted(pull.requested_users), sorted(pull.requested_teams)

    def comments(self, number: int) -> list[Comment]:
        return [c for c in self.github.issue(REPO, number).comments if MARKER in c.body]

    def check(self, number: int, name: str) -> CheckRun:
        sha = self.github.pull(REPO, number).head_sha
        runs = [
            r
            for r in self.github.repo(REPO).check_runs.values()
            if r.head_sha == sha and r.name == name
        ]
        assert runs, f"no {name} check run for {sha}"
        return max(runs, key=lambda r: r.id)

    def review_posts(self, number: int) -> list[Any]:
        return [
            r
            for r in self.github.requests_to(
                "POST", rf"/repos/{REPO}/pulls/{number}/requested_reviewers"
            )
            if r.status == 201
        ]

    def comment_posts(self, number: int) -> list[Any]:
        return [
            r
            for r in self.github.requests_to("POST", rf"/repos/{REPO}/issues/{number}/comments")
            if r.status == 201
        ]

    def approve(self, number: int, login: str) -> None:
        client = Github(
            auth=Auth.Token(self.github.user_token(login)), base_url=self.github.base_url
        )
        client.get_repo(REPO).get_pull(number).create_review(event="APPROVE")


def open_world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    """Yield a world and kill its bot afterwards (the body of each module's `world` fixture)."""
    made = World(tmp_path, github, app_key)
    yield made
    if made.bot is not None:
        made.bot.stop(signal.SIGKILL)


def edit(path: str, **changes: Any) -> dict[str, str]:
    """The base version of a page with an extra paragraph (or other front matter)."""
    text = BASE_PAGES[path]
    if changes:
        text = page(**changes)
    return {path: text + "\nMore text.\n"}
