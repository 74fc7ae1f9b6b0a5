"""First-time authors: the welcome part of the sticky comment and the optional coach's review."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kennis.changes import PullRequestChanges
from kennis.handles import Handle, handle_key
from kennis.i18n import Translator
from kennis.review import PageApproval
from kennis.welcome import has_contributed, welcome_text

if TYPE_CHECKING:
    from github.PullRequest import PullRequest as GhPullRequest
    from github.Repository import Repository


def welcome_section(
    repo: Repository,
    pr: GhPullRequest,
    changes: PullRequestChanges,
    items: Iterable[PageApproval],
    requested: set[str],
    ask: bool,
    tr: Translator | None = None,
) -> str:
    """The welcome text for a first contribution ("" for anyone the history already knows).

    The base side's ``first_time_coach`` is asked to review too (once: an open request is kept).
    """
    author = handle_key(pr.user.login)
    if not changes.pages or has_contributed(changes.history, pr.user.login):
        return ""
    config = changes.base.config
    coach = config.first_time_coach
    if coach is not None and ask and coach.key not in requested and coach.key != author:
        from review_bot.reviewers import request_reviewers

        refused = request_reviewers(repo, pr, [coach], changes.repo)
        if coach.key not in refused:
            requested.add(coach.key)
    reviewers = _reviewers(items, requested, author)
    return welcome_text(reviewers, changes.problems(), config.site_url, coach, tr)


def _reviewers(items: Iterable[PageApproval], requested: set[str], author: str) -> list[Handle]:
    """People with an open review request, page by page, owner first (the comment's order)."""
    seen: dict[str, Handle] = {}
    for item in items:
        for handle in item.page.approvers:
            if handle.key in requested and handle.key != author:
                seen.setdefault(handle.key, handle)
    return list(seen.values())
