"""The App's side of the PR fan-out: bring both commits into the mirror, then the core's pipeline.

`kennis.changes` computes what the pull request changes; `DeliveryContext.pull_request` keeps
the result for the delivery, so every concern reads one diff and one load of each side.
"""

from __future__ import annotations

from kennis.changes import PullRequestChanges, load_changes
from review_bot.mirror import Mirror

__all__ = ["PullRequestChanges", "changes_for", "fetch_pull", "load_changes"]


def fetch_pull(mirror: Mirror, number: int, base_sha: str, head_sha: str) -> None:
    """Bring both commits into the mirror (a fork's head is only reachable as the pull ref)."""
    if mirror.rev_parse(base_sha) is None or mirror.rev_parse(head_sha) is None:
        mirror.fetch(f"refs/pull/{number}/head", base_sha)
    if mirror.rev_parse(head_sha) is None:  # the pull ref moved on since this delivery was sent
        mirror.fetch(head_sha)


def changes_for(
    mirror: Mirror, repo: str, number: int, base_sha: str, head_sha: str
) -> PullRequestChanges:
    """Fetch the pull request's commits, then diff and load both sides (`kennis.changes`)."""
    fetch_pull(mirror, number, base_sha, head_sha)
    return load_changes(mirror, repo, number, base_sha, head_sha)
