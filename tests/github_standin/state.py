"""In-memory state of the GitHub stand-in: users, repositories, issues, pull requests, checks."""

from __future__ import annotations

import itertools
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def now_iso(ts: float | None = None) -> str:
    """GitHub's timestamp format: ISO 8601 in UTC with a trailing Z, whole seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if ts is None else ts))


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User | Organization | Bot


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    body: str
    user: str
    created_at: str
    updated_at: str


@dataclass
class Review:
    id: int
    user: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | PENDING | DISMISSED
    body: str
    commit_id: str
    submitted_at: str
    comments: list[dict[str, Any]] = field(default_factory=list)  # line comments (path, line, body)


@dataclass
class Pull:
    id: int
    head_sha: str
    base_sha: str
    head_ref: str
    base_ref: str
    files: list[dict[str, Any]]
    draft: bool = False
    merged: bool = False
    requested_users: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    created_at: str
    updated_at: str
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    comments: list[Comment] = field(default_factory=list)
    pull: Pull | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)  # content -> logins


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    started_at: str | None
    completed_at: str | None
    external_id: str | None
    details_url: str | None
    output: dict[str, Any]
    annotations: list[dict[str, Any]] = field(default_factory=list)
    suite_id: int = 0


@dataclass
class Status:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: str
    updated_at: str


@dataclass
class Deployment:
    id: int
    sha: str
    ref: str
    task: str
    environment: str
    description: str | None
    payload: Any
    creator: str
    created_at: str
    statuses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Team:
    id: int
    org: str
    slug: str
    name: str
    members: list[str]
    repos: list[str] | None  # None: every repository of the org
    permission: str = "push"


@dataclass
class Repo:
    id: int
    owner: str
    name: str
    default_branch: str
    clone_url: str
    installation_id: int | None
    private: bool
    git_dir: Path | None
    created_at: str
    collaborators: dict[str, str] = field(
        default_factory=dict
    )  # login -> admin|maintain|push|triage|pull
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> Label
    issues: dict[int, Issue] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    deployments: dict[int, Deployment] = field(default_factory=dict)
    extra_shas: set[str] = field(default_factory=set)
    branches: dict[str, str] = field(default_factory=dict)  # seeded refs for repos without git
    _sha_cache: dict[str, str | None] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def resolve(self, ref: str) -> str | None:
        """A commit SHA for `ref` (SHA, branch or tag), or None when GitHub would answer 422/404."""
        if ref in self._sha_cache:
            return self._sha_cache[ref]
        sha = self._resolve_uncached(ref)
        self._sha_cache[ref] = sha
        return sha

    def _resolve_uncached(self, ref: str) -> str | None:
        known = self.extra_shas | {
            s for i in self.issues.values() if i.pull for s in (i.pull.head_sha, i.pull.base_sha)
        }
        if ref in known:
            return ref
        if ref.removeprefix("refs/heads/") in self.branches:
            return self.branches[ref.removeprefix("refs/heads/")]
        for issue in self.issues.values():
            if issue.pull and ref == issue.pull.head_ref:
                return issue.pull.head_sha
        if self.git_dir is None:
            is_sha = len(ref) == 40 and all(c in "0123456789abcdef" for c in ref)
            return ref if is_sha else None
        done = subprocess.run(
            [
                "git",
                "-C",
                str(self.git_dir),
                "rev-parse",
                "--verify",
                "--quiet",
                f"{ref}^{{commit}}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() if done.returncode == 0 else None


@dataclass
class Installation:
    id: int
    account: str
    created_at: str
    permissions: dict[str, str]
    events: list[str]


@dataclass
class Token:
    value: str
    expires_at: float
    installation_id: int | None = None  # an installation token
    login: str | None = None  # a user token (tests acting as a person)


class Store:
    """Everything the stand-in knows; guarded by one lock held by the server per request."""

    def __init__(self, app_id: int, app_slug: str) -> None:
        self.app_id = app_id
        self.app_slug = app_slug
        self._ids = itertools.count(1001)
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}  # lower-cased full name -> Repo
        self.installations: dict[int, Installation] = {}
        self.tokens: dict[str, Token] = {}
        self.teams: dict[tuple[str, str], Team] = {}  # (org, slug) lower-cased
        self.org_members: dict[str, dict[str, str]] = {}  # org -> login -> admin|member
        self.app_owner = "acme"

    def new_id(self) -> int:
        return next(self._ids)

    def user(self, login: str, type_: str | None = None) -> User:
        """The user named `login`, created on first mention (GitHub knows every login we use)."""
        key = login.lower()
        found = self.users.get(key)
        if found is None:
            kind = type_ or ("Bot" if login.endswith("[bot]") else "User")
            found = self.users[key] = User(login=login, id=self.new_id(), type=kind)
        elif type_:
            found.type = type_
        return found

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    def installation_repos(self, installation_id: int) -> list[Repo]:
        return [r for r in self.repos.values() if r.installation_id == installation_id]

    def team(self, org: str, slug: str) -> Team | None:
        return self.teams.get((org.lower(), slug.lower()))

    def teams_for_repo(self, repo: Repo) -> list[Team]:
        return [
            t
            for t in self.teams.values()
            if t.org.lower() == repo.owner.lower()
            and (t.repos is None or repo.full_name.lower() in {r.lower() for r in t.repos})
        ]

    def permission(self, repo: Repo, login: str) -> str:
        """Effective permission of `login` on `repo`: direct, via a team, or org admin; else none."""
        order = ["none", "read", "triage", "write", "maintain", "admin"]
        alias = {"pull": "read", "push": "write"}
        best = "none"
        grants = [
            repo.collaborators.get(k, "") for k in repo.collaborators if k.lower() == login.lower()
        ]
        grants += [t.permission for t in self.teams_for_repo(repo) if _member(t.members, login)]
        if repo.owner.lower() == login.lower():
            grants.append("admin")
        if self.org_members.get(repo.owner.lower(), {}).get(login.lower()) == "admin":
            grants.append("admin")
        for grant in grants:
            level = alias.get(grant, grant)
            if level in order and order.index(level) > order.index(best):
                best = level
        return best


def _member(members: list[str], login: str) -> bool:
    return login.lower() in {m.lower() for m in members}
