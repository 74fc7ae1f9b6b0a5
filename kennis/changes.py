"""What a change between two revisions does to the knowledge base: the diff, both sides, the pages.

One pipeline for the App's pull requests and ``kennis reviewers``: diff once with rename
detection (no 3,000-file cap), and load the base and head knowledge bases once, reading only the
touched pages (every page when a ``.meta.yml``, CODEOWNERS or the config changed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from .errors import Problem
from .freshness import Freshness
from .gitrev import Change, GitReader
from .history import HistoryIndex
from .history_build import index_for
from .kb import META_FILE, PAGE_SUFFIX, KnowledgeBase, load_kb
from .review import OWNERSHIP_FILES, TouchedPage, touched_pages
from .status import PageStatus, assess_pages


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
        paths = [t.path for t in self.pages if t.change != "deleted"]
        return assess_pages(self.head, lambda: self.history, as_of, paths=paths)

    @cached_property
    def history(self) -> HistoryIndex | None:
        """The base commit's history index (renames followed), read once; None without a repo."""
        if self.reader is None:
            return None
        return index_for(self.reader, self.base.config, rev=self.base_sha)

    def freshness(self, as_of: date) -> dict[str, Freshness]:
        """Freshness of each touched page after the merge, by path."""
        return {s.page.path: s.freshness for s in self.statuses(as_of)}


def ownership_changed(changes: Iterable[Change]) -> bool:
    """Whether a folder's ``.meta.yml``, CODEOWNERS or the config changes (owners may move)."""
    return any(
        p.endswith("/" + META_FILE) or p in OWNERSHIP_FILES
        for c in changes
        for p in (c.old_path, c.new_path)
    )


def load_changes(
    reader: GitReader, repo: str, number: int, base_sha: str, head_sha: str
) -> PullRequestChanges:
    """Diff once, load both sides once (touched pages only, unless ownership changed).

    Both revisions must be in the repository already (the App fetches them first).
    """
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
