"""The fan-out step: a pull request's changed pages, computed once per delivery for every concern.

Fetch the PR head (``refs/pull/<n>/head``) and the base commit into the mirror, diff once with
rename detection (no 3,000-file cap), and load the base and head knowledge bases once, reading
only the touched pages (every page when a ``.meta.yml``, CODEOWNERS or the config changed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kennis.errors import Problem
from kennis.freshness import Freshness, assess
from kennis.gitrev import Change, GitReader
from kennis.history import HistoryIndex
from kennis.history_build import index_for
from kennis.kb import META_FILE, PAGE_SUFFIX, KnowledgeBase, load_kb
from kennis.review import OWNERSHIP_FILES, TouchedPage, touched_pages
from kennis.status import PageStatus

if TYPE_CHECKING:
    from review_bot.routing import DeliveryContext


@dataclass(frozen=True)
class PullRequestChanges:
    """What a pull request changes, read from git: the diff, both sides, and the touched pages."""

    repo: str
    number: int
    base_sha: str
    head_sha: str
    changes: tuple[Change, ...]
    base: KnowledgeBase
    head: KnowledgeBase
    pages: tuple[TouchedPage, ...]
    reader: GitReader | None = field(default=None, repr=False, compare=False)
    _memo: dict[str, HistoryIndex] = field(default_factory=dict, repr=False, compare=False)

    @property
    def changed_paths(self) -> list[str]:
        """Paths that exist on the head side (deleted files have nothing left to check)."""
        return sorted({c.new_path for c in self.changes if c.status != "D"})

    def problems(self) -> list[Problem]:
        """Content problems of the files this pull request changes, as the head side has them."""
        return sorted(self.head.problems_for(self.changed_paths))

    def statuses(self, as_of: date) -> list[PageStatus]:
        """Each touched page as it will be after the merge (head side; deleted pages left out).

        Like the scan, a page without ``reviewed:`` is dated by its first commit: the history is
        read (one pass, at the base commit) only when such a page is touched.
        """
        pages = [
            self.head.pages[t.path]
            for t in self.pages
            if t.change != "deleted" and t.path in self.head.pages
        ]
        index = self.history() if any(p.reviewed is None for p in pages) else None
        due_soon = self.base.config.due_soon
        result = []
        for page in pages:
            record = index.get(page.path) if index else None
            created = record.created.date() if record else None
            fresh = assess(page.reviewed, created, page.review_every, due_soon, as_of)
            result.append(PageStatus(page, record, fresh))
        return result

    def history(self) -> HistoryIndex | None:
        """The base commit's history index (renames followed), read once; None without a repo."""
        if self.reader is None:
            return None
        if "history" not in self._memo:
            self._memo["history"] = index_for(self.reader, self.base.config, rev=self.base_sha)
        return self._memo["history"]

    def freshness(self, as_of: date) -> dict[str, Freshness]:
        """Freshness of each touched page after the merge, by path."""
        return {s.page.path: s.freshness for s in self.statuses(as_of)}


def ownership_changed(changes: Iterable[Change]) -> bool:
    return any(
        p.endswith("/" + META_FILE) or p in OWNERSHIP_FILES
        for c in changes
        for p in (c.old_path, c.new_path)
    )


def fetch_pull(reader: GitReader, number: int, base_sha: str, head_sha: str) -> None:
    """Bring both commits into the mirror (a fork's head is only reachable as the pull ref)."""
    fetch = getattr(reader, "fetch", None)
    if fetch is None:
        return
    if reader.rev_parse(base_sha) is None or reader.rev_parse(head_sha) is None:
        fetch(f"refs/pull/{number}/head", base_sha)
    if reader.rev_parse(head_sha) is None:  # the pull ref moved on since this delivery was sent
        fetch(head_sha)


def load_changes(
    reader: GitReader, repo: str, number: int, base_sha: str, head_sha: str
) -> PullRequestChanges:
    """Fetch, diff once, load both sides once (touched pages only, unless ownership changed)."""
    fetch_pull(reader, number, base_sha, head_sha)
    changes = reader.diff_name_status(base_sha, head_sha)
    only: set[str] | None = {
        p for c in changes for p in (c.old_path, c.new_path) if p.endswith(PAGE_SUFFIX)
    }
    if ownership_changed(changes):
        only = None
    base = load_kb(reader.tree_at(base_sha, only), only)
    head = load_kb(reader.tree_at(head_sha, only), only)
    pages = touched_pages(base, head, changes)
    return PullRequestChanges(
        repo, number, base_sha, head_sha, tuple(changes), base, head, tuple(pages), reader
    )


def changes_for(
    ctx: DeliveryContext, number: int, base_sha: str, head_sha: str
) -> PullRequestChanges:
    """`load_changes` for this delivery's repository, computed once per delivery and revision pair."""
    cache: dict[tuple[int, str, str], PullRequestChanges] = ctx.__dict__.setdefault(
        "_kennis_pr_changes", {}
    )
    key = (number, base_sha, head_sha)
    if key not in cache:
        cache[key] = load_changes(ctx.mirror, ctx.repo_full_name or "", number, base_sha, head_sha)
    return cache[key]
