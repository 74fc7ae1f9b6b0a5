"""The stand-in's public seeding API: installations, repos, people, teams, PRs, issues, tokens."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import auth
from .shapes import EVENTS, PERMISSIONS
from .state import Installation, Issue, Label, Pull, Repo, Store, Team, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

FileSpec = str | dict[str, Any]


class Seeding:
    """Mixed into `GitHubStandIn`: set the world up before the code under test talks to it."""

    store: Store
    lock: threading.RLock
    base_url: str

    def install(self, account: str, installation_id: int | None = None) -> int:
        """Install the App on `account` (user or org); returns the installation id."""
        with self.lock:
            for inst in self.store.installations.values():
                if inst.account.lower() == account.lower() and installation_id in (None, inst.id):
                    return inst.id
            ident = installation_id or self.store.new_id()
            self.store.installations[ident] = Installation(
                ident, account, now_iso(), dict(PERMISSIONS), list(EVENTS)
            )
            return ident

    def add_repo(
        self,
        full_name: str,
        *,
        clone_url: str | None = None,
        default_branch: str = "main",
        installation_id: int | None = None,
        installed: bool = True,
        private: bool = True,
        git_dir: str | Path | None = None,
    ) -> Repo:
        """Seed a repository; by default the App is installed on its owner.

        `clone_url` may be a `file://` URL or a local path of a real git repository: PR SHAs
        and refs are then checked against it and PR files are computed from it.
        """
        owner, name = full_name.split("/")
        inst = self.install(owner, installation_id) if installed else None
        url = clone_url or f"{self.base_url}/{full_name}.git"
        if git_dir is None and clone_url:
            local = urllib.parse.urlsplit(clone_url).path if "://" in clone_url else clone_url
            git_dir = local if clone_url.startswith(("file://", "/")) else None
        with self.lock:
            repo = Repo(
                self.store.new_id(),
                owner,
                name,
                default_branch,
                url,
                inst,
                private,
                Path(git_dir) if git_dir else None,
                now_iso(),
            )
            self.store.repos[full_name.lower()] = repo
            self.store.user(owner)
        return repo

    def add_collaborator(self, repo: str, login: str, permission: str = "push") -> None:
        """Give `login` direct access (pull|triage|push|maintain|admin) to `repo`."""
        with self.lock:
            self._repo(repo).collaborators[login] = permission
            self.store.user(login)

    def add_org_member(self, org: str, login: str, role: str = "member") -> None:
        with self.lock:
            self.store.user(org, "Organization")
            self.store.org_members.setdefault(org.lower(), {})[login.lower()] = role
            self.store.user(login)

    def add_team(
        self,
        org: str,
        slug: str,
        members: list[str],
        *,
        repos: list[str] | None = None,
        permission: str = "push",
        name: str | None = None,
    ) -> Team:
        """A team of `org`; `repos=None` gives it access to every repository of the org."""
        with self.lock:
            team = Team(
                self.store.new_id(), org, slug, name or slug, list(members), repos, permission
            )
            self.store.teams[(org.lower(), slug.lower())] = team
            for member in members:
                self.add_org_member(org, member)
            return team

    def add_label(
        self, repo: str, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        with self.lock:
            r = self._repo(repo)
            label = r.labels.get(name.lower())
            if label is None:
                label = r.labels[name.lower()] = Label(
                    self.store.new_id(), name, color, description
                )
            return label

    def add_issue(
        self,
        repo: str,
        title: str,
        *,
        author: str = "alice",
        body: str | None = None,
        labels: list[str] | None = None,
        assignees: list[str] | None = None,
        state: str = "open",
    ) -> Issue:
        with self.lock:
            r = self._repo(repo)
            for name in labels or []:
                self.add_label(repo, name)
            stamp = now_iso()
            issue = Issue(
                r.next_number(),
                self.store.new_id(),
                title,
                body,
                author,
                stamp,
                stamp,
                [r.labels[n.lower()].name for n in labels or []],
                list(assignees or []),
                state,
            )
            r.issues[issue.number] = issue
            self.store.user(author)
            return issue

    def add_pr(
        self,
        repo: str,
        number: int | None = None,
        *,
        author: str = "alice",
        head_ref: str = "feature",
        base_ref: str | None = None,
        head_sha: str | None = None,
        base_sha: str | None = None,
        files: Sequence[FileSpec] | None = None,
        draft: bool = False,
        title: str = "Update pages",
        body: str | None = None,
        labels: list[str] | None = None,
    ) -> Issue:
        """Seed an open pull request (an issue with a `pull`, sharing the issue numbers).

        With a local git repository behind `clone_url`, missing SHAs are resolved from the refs
        and missing `files` come from `git diff base...head`; otherwise pass them.
        """
        with self.lock:
            r = self._repo(repo)
            base_ref = base_ref or r.default_branch
            head_sha = head_sha or _rev_parse(r, head_ref)
            base_sha = base_sha or _rev_parse(r, base_ref)
            if files is None:
                files = _git_files(r, base_sha, head_sha) if r.git_dir else []
            issue = self.add_issue(repo, title, author=author, body=body, labels=labels)
            if number is not None:
                del r.issues[issue.number]
                issue.number = number
                r.issues[number] = issue
            issue.pull = Pull(
                self.store.new_id(),
                head_sha,
                base_sha,
                head_ref,
                base_ref,
                [_file(f) for f in files],
                draft,
            )
            r._sha_cache.clear()
            return issue

    def add_commit(self, repo: str, sha: str) -> None:
        """Make `sha` known to a repo without a git directory (checks/statuses accept it)."""
        with self.lock:
            self._repo(repo).extra_shas.add(sha)
            self._repo(repo)._sha_cache.clear()

    def add_branch(self, repo: str, name: str, sha: str) -> None:
        """Make branch `name` point at `sha` in a repo without a git directory."""
        with self.lock:
            r = self._repo(repo)
            r.branches[name] = sha
            r._sha_cache.clear()

    def user_token(self: Any, login: str) -> str:
        """A personal token acting as `login` (for tests that play a page owner)."""
        standin: GitHubStandIn = self
        with standin.lock:
            standin.store.user(login)
            return auth.issue_token(standin, None, login).value

    def expire_tokens(self) -> None:
        """Expire every issued token now: the next use answers 401 Bad credentials."""
        with self.lock:
            for token in self.store.tokens.values():
                token.expires_at = time.time() - 1

    def repo(self, full_name: str) -> Repo:
        """The live state of a repository (issues, check runs, statuses...) for assertions."""
        return self._repo(full_name)

    def issue(self, repo: str, number: int) -> Issue:
        return self._repo(repo).issues[number]

    def pull(self, repo: str, number: int) -> Pull:
        """The pull-request side of issue `number` (head/base SHAs, requested reviewers, reviews)."""
        found = self._repo(repo).issues[number].pull
        if found is None:
            raise KeyError(f"{repo}#{number} is an issue, not a pull request")
        return found

    def _repo(self, full_name: str) -> Repo:
        found = self.store.repo(full_name)
        if found is None:
            raise KeyError(f"stand-in has no repository {full_name!r}; add_repo() it first")
        return found


def _rev_parse(r: Repo, ref: str) -> str:
    sha = r.resolve(ref) if r.git_dir else None
    if sha is None:
        if r.git_dir:
            raise ValueError(f"{r.full_name}: ref {ref!r} not found in {r.git_dir}")
        import hashlib

        sha = hashlib.sha1(f"{r.full_name}:{ref}".encode()).hexdigest()
    return sha


def _file(spec: FileSpec) -> dict[str, Any]:
    if isinstance(spec, str):
        return {"filename": spec, "status": "modified", "additions": 1, "deletions": 1}
    out = {"status": "modified", "additions": 0, "deletions": 0, **spec}
    return out


_STATUS = {
    "A": "added",
    "M": "modified",
    "D": "removed",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}


def _git_files(r: Repo, base: str, head: str) -> list[FileSpec]:
    """PR files as GitHub computes them: the diff from the merge base to head, renames found."""
    git = ["git", "-C", str(r.git_dir)]
    names = subprocess.run(
        [*git, "diff", "--name-status", "-M", f"{base}...{head}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stats = subprocess.run(
        [*git, "diff", "--numstat", "-M", "--no-renames", f"{base}...{head}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts: dict[str, tuple[int, int]] = {}
    for line in stats.splitlines():
        added, deleted, path = line.split("\t", 2)
        counts[path] = (int(added) if added != "-" else 0, int(deleted) if deleted != "-" else 0)
    files: list[FileSpec] = []
    for line in names.splitlines():
        parts = line.split("\t")
        status, path = _STATUS.get(parts[0][0], "modified"), parts[-1]
        plus, minus = counts.get(path, (0, 0))
        entry: dict[str, Any] = {
            "filename": path,
            "status": status,
            "additions": plus,
            "deletions": minus,
        }
        if status == "renamed":
            entry["previous_filename"] = parts[1]
        files.append(entry)
    return files
