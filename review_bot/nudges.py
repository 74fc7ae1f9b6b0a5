"""Nudges in the scan: remind owners of knowledge pull requests that wait for their approval.

Runs with the freshness scan (``KENNIS_SCAN_EVERY`` or ``kennis-bot scan``): per open pull
request one diff in the mirror (the core's ``kennis.changes``), its reviews and its comments;
``kennis.nudges`` decides, one comment per nudge. A second scan in the same period finds the
period's marker and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from github.Repository import Repository

from kennis.errors import KennisError
from kennis.handles import Handle, handle_key, is_bot
from kennis.i18n import translator
from kennis.kb import KnowledgeBase
from kennis.nudges import Waiting, nudged_periods, plan_nudges
from kennis.review import PageApproval, approvable, approvals
from review_bot.mirror import Mirror
from review_bot.pr_changes import changes_for
from review_bot.reviewers import review_states

log = logging.getLogger(__name__)


def nudge_pulls(repo: Repository, mirror: Mirror, kb: KnowledgeBase, as_of: date) -> int:
    """Comment the nudges due as of ``as_of``; the number written."""
    pulls = {p.number: p for p in repo.get_pulls(state="open") if not p.draft}
    waiting = list(_waiting(repo, mirror, pulls, kb))
    written = 0
    tr = translator(kb.config.language)
    for nudge in plan_nudges(waiting, as_of, kb.config.review_nudge_after, tr):
        pulls[nudge.number].create_issue_comment(nudge.body)
        written += 1
    return written


def _waiting(
    repo: Repository, mirror: Mirror, pulls: dict[int, Any], kb: KnowledgeBase
) -> Iterator[Waiting]:
    for number, pull in pulls.items():
        try:
            changes = changes_for(mirror, repo.full_name, number, pull.base.sha, pull.head.sha)
        except KennisError as exc:  # a head git cannot fetch, content that does not load
            log.info("no nudge for #%s: %s", number, exc)
            continue
        pages = approvable(changes.pages, pull.user.login, kb.config.fallback_owner)
        if not pages:
            continue  # not a knowledge pull request
        reviews = list(pull.get_reviews())
        approved, _ = review_states(reviews)
        pending = [item for item in approvals(pages, approved) if not item.ok]
        if not pending:
            continue
        owners = _unique(h for item in pending for h in _owners(item))
        coauthors = _unique(h for item in pending for h in item.page.coauthors)
        comments = [c.body or "" for c in pull.get_issue_comments() if is_bot(c.user.login)]
        yield Waiting(
            number=number,
            opened=pull.created_at.date(),
            owners=owners,
            coauthors=coauthors,
            pages=tuple(item.page.path for item in pending),
            changes_requested=_changes_requested(reviews, pending),
            nudged=nudged_periods(comments),
        )


def _owners(item: PageApproval) -> tuple[Handle, ...]:
    page = item.page
    return tuple(h for h in (page.owner, page.previous_owner) if h is not None)


def _unique(handles: Iterator[Handle]) -> tuple[Handle, ...]:
    return tuple({h.key: h for h in handles}.values())


def _changes_requested(reviews: list[Any], pending: list[PageApproval]) -> bool:
    """Whether an owner or co-author's latest decision on the pull request asks for changes."""
    latest: dict[str, str] = {}
    for review in reviews:
        if review.user is not None and review.state in ("APPROVED", "CHANGES_REQUESTED"):
            latest[handle_key(review.user.login)] = review.state
    people = {
        h.key for item in pending for h in (*item.page.approvers, item.page.previous_owner) if h
    }
    return any(latest.get(key) == "CHANGES_REQUESTED" for key in people)
