"""Proposing a change: where a branch is on the origin, and one pull request per branch."""

from __future__ import annotations

from github import GithubException
from github.PullRequest import PullRequest
from github.Repository import Repository

from review_bot.mirror import Mirror


def remote_tip(mirror: Mirror, branch: str) -> str | None:
    """Where ``branch`` is on the origin now, or None if it does not exist there."""
    out = mirror.git("ls-remote", "--heads", "origin", f"refs/heads/{branch}").decode()
    return out.split()[0] if out.strip() else None


def open_pull(
    repo: Repository, owner: str, base: str, branch: str, title: str, body: str, draft: bool = False
) -> PullRequest | None:
    """Open the pull request for ``branch``; None when one opened meanwhile already shows it.

    GitHub answers 422 "A pull request already exists" when a redelivery or a second trigger
    got there first: that one carries the branch, so nothing is lost.
    """
    try:
        return repo.create_pull(base=base, head=branch, title=title, body=body, draft=draft)
    except GithubException as exc:
        if exc.status != 422 or not list(repo.get_pulls(state="open", head=f"{owner}:{branch}")):
            raise
        return None
