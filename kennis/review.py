"""Who reviews a change: the owners and co-authors of the pages it touches, read from the base side.

Deciding is pure (this module); asking GitHub is the App's job. Owners of modified, renamed and
deleted pages come from the **base** revision, so a pull request that edits ``owner:`` cannot
approve itself; added pages are owned by whoever owns that folder on the base side.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace

from .gitrev import Change
from .handles import Handle, handle_key, is_bot, login_of
from .kb import META_FILE, PAGE_SUFFIX, KnowledgeBase, effective_page
from .page import Fields, Page
from .paths import is_under

KIND = {
    "A": "added",
    "C": "added",
    "M": "modified",
    "T": "modified",
    "R": "renamed",
    "D": "deleted",
}
OWNERSHIP_FILES = (".github/kennis.yml", ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True)
class TouchedPage:
    """A page the change touches and who answers for it (as of the base revision)."""

    path: str
    old_path: str | None
    change: str  # added | modified | renamed | deleted | ownership
    title: str | None
    owner: Handle | None
    coauthors: tuple[Handle, ...]
    previous_owner: Handle | None = None  # set when ownership changes: must approve in person
    new_owner: Handle | None = None

    @property
    def approvers(self) -> tuple[Handle, ...]:
        """Anyone of these may approve the page (owner first)."""
        return ((self.owner,) if self.owner else ()) + self.coauthors


@dataclass(frozen=True)
class PullRequest:
    """What GitHub already knows about the pull request; all handles as keys (``@login``)."""

    author: str
    requested: frozenset[str] = frozenset()
    reviewed: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Skip:
    handle: Handle
    reason: str


@dataclass(frozen=True)
class ReviewPlan:
    """Reviewers to request now (owners first), and who was left out and why."""

    pages: tuple[TouchedPage, ...]
    request: tuple[Handle, ...] = ()
    skipped: tuple[Skip, ...] = field(default_factory=tuple)

    @property
    def users(self) -> list[str]:
        return [h.login for h in self.request if not h.is_team]

    @property
    def teams(self) -> list[str]:
        return [h.slug or "" for h in self.request if h.is_team]


def _page_at(kb: KnowledgeBase, path: str) -> Page:
    """The page as ``kb`` sees it; a page that does not parse still has its folder's owners."""
    return kb.pages.get(path) or effective_page(kb, path, Fields(path, {}, {}))


def _people(page: Page) -> tuple[Handle | None, tuple[Handle, ...]]:
    return (page.owner.handle if page.owner else None), tuple(c.handle for c in page.coauthors)


def _is_page(path: str, content: str) -> bool:
    return path.endswith(PAGE_SUFFIX) and is_under(path, content)


def _touched(base: KnowledgeBase, head: KnowledgeBase, change: Change) -> TouchedPage:
    kind = KIND.get(change.status, "modified")
    new, old = change.new_path, change.old_path
    after = head.pages.get(new) if kind != "deleted" else None
    # An added page is owned by whoever owns its folder, not by whoever the page claims.
    before = (
        effective_page(base, new, Fields(new, {}, {})) if kind == "added" else _page_at(base, old)
    )
    owner, coauthors = _people(before)
    previous = new_owner = None
    if after is not None:
        after_owner, after_coauthors = _people(after)
        claims = (
            after_owner not in (None, owner)
            if kind == "added"
            else ((after_owner, set(after_coauthors)) != (owner, set(coauthors)))
        )
        if claims:
            previous, new_owner = owner, after_owner
    title = (after.title if after else None) if kind == "added" else before.title
    path = old if kind == "deleted" else new
    renamed_from = old if kind == "renamed" else None
    return TouchedPage(path, renamed_from, kind, title, owner, coauthors, previous, new_owner)


def touched_pages(
    base: KnowledgeBase, head: KnowledgeBase, changes: Iterable[Change]
) -> list[TouchedPage]:
    """The pages a diff touches, with base-side owners; ownership edits name the previous owner.

    When the change edits a ``.meta.yml``, CODEOWNERS or the config, every page whose owners
    differ between base and head is touched too (``change == "ownership"``).
    """
    content = base.config.content_dir
    result: dict[str, TouchedPage] = {}
    ownership_files_changed = False
    for change in changes:
        paths = (change.new_path, change.old_path)
        if any(p.endswith("/" + META_FILE) or p in OWNERSHIP_FILES for p in paths):
            ownership_files_changed = True
        if any(_is_page(p, content) for p in paths):
            page = _touched(base, head, change)
            result[page.path] = page
    if ownership_files_changed:
        for path in sorted(set(base.pages) & set(head.pages) - set(result)):
            owner, coauthors = _people(base.pages[path])
            after_owner, after_coauthors = _people(head.pages[path])
            if (after_owner, set(after_coauthors)) != (owner, set(coauthors)):
                title = base.pages[path].title
                result[path] = TouchedPage(
                    path, None, "ownership", title, owner, coauthors, owner, after_owner
                )
    return [result[p] for p in sorted(result)]


def plan_review(
    pages: Iterable[TouchedPage],
    pr: PullRequest,
    max_reviewers: int,
    fallback: Handle | None = None,
) -> ReviewPlan:
    """Owners first, then co-authors, up to ``max_reviewers``; every page gets someone if it can.

    Never the author, a bot, or anyone who was removed from this pull request; people already
    requested or who already reviewed count as covering their pages and are not asked again.
    """
    pages = tuple(pages)
    author = login_of(pr.author).key
    skipped: dict[str, Skip] = {}

    def eligible(handle: Handle) -> bool:
        reason = None
        if handle.key == author:
            reason = "wrote this pull request"
        elif not handle.is_team and is_bot(handle.login):
            reason = "is a bot"
        elif handle.key in pr.removed:
            reason = "was removed from this pull request"
        if reason:
            skipped.setdefault(handle.key, Skip(handle, reason))
        return reason is None

    done = pr.requested | pr.reviewed
    order: list[Handle] = []
    for page in pages:  # round 1: someone for every page, and every required previous owner
        people = [h for h in page.approvers if eligible(h)]
        if not people and fallback is not None and eligible(fallback):
            people = [fallback]
        if people and not any(h.key in done for h in people):
            order.append(people[0])
        if page.previous_owner is not None and eligible(page.previous_owner):
            order.append(page.previous_owner)
    order += [p.owner for p in pages if p.owner and eligible(p.owner)]  # round 2: other owners
    order += [c for p in pages for c in p.coauthors if eligible(c)]  # round 3: co-authors
    budget = max_reviewers - len({h.key for p in pages for h in p.approvers} & done)
    request: list[Handle] = []
    for handle in order:
        if handle.key in done or any(h.key == handle.key for h in request):
            continue
        if len(request) >= budget:
            skipped.setdefault(
                handle.key, Skip(handle, f"over the limit of {max_reviewers} reviewers")
            )
            continue
        request.append(handle)
    return ReviewPlan(pages, tuple(request), tuple(skipped.values()))


def approvable(
    pages: Iterable[TouchedPage], author: str, fallback: Handle | None
) -> list[TouchedPage]:
    """The touched pages as far as approval goes: an author cannot approve their own change.

    A page owned by its author alone would wait forever, so the fallback owner (whom
    :func:`plan_review` asks for it) may approve it; an author handing over their own page has
    agreed by proposing it, so the previous owner's approval is not awaited.
    """
    key = login_of(author).key
    result = []
    for page in pages:
        if fallback is not None and page.approvers and all(h.key == key for h in page.approvers):
            page = replace(page, coauthors=(*page.coauthors, fallback))
        if page.previous_owner is not None and page.previous_owner.key == key:
            page = replace(page, previous_owner=None)
        result.append(page)
    return result


@dataclass(frozen=True)
class PageApproval:
    page: TouchedPage
    approved_by: tuple[str, ...]
    waiting_for: tuple[Handle, ...]  # empty when the page is approved
    earlier: tuple[str, ...] = ()  # approved an earlier version of the page, which changed since

    @property
    def ok(self) -> bool:
        return not self.waiting_for


def _ownership_file(path: str) -> bool:
    return path.endswith("/" + META_FILE) or path in OWNERSHIP_FILES


def approvals_by_page(
    pages: Iterable[TouchedPage],
    approved: Mapping[str, str],
    head: str,
    changed_since: Mapping[str, Collection[str] | None],
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per page: (approvals that still count, approvals of an earlier version of it).

    ``approved`` maps each approver to the commit they approved; ``changed_since`` maps such a
    commit to the paths that differ between it and ``head`` (None: unknown, e.g. force-pushed
    away). An approval counts for a page when it was given on ``head`` or when neither the page's
    path nor its old path changed since; for a page whose owners change through a folder default,
    CODEOWNERS or the config, a later change to any of those makes the approval stale as well.
    """
    current: dict[str, set[str]] = {}
    earlier: dict[str, set[str]] = {}
    for page in pages:
        own = {page.path, *([page.old_path] if page.old_path else [])}
        owners_move = page.change == "ownership" or page.previous_owner is not None
        for login, commit in approved.items():
            changed = set() if commit == head else changed_since.get(commit)
            stale = (
                changed is None
                or bool(own & set(changed))
                or (owners_move and any(_ownership_file(p) for p in changed))
            )
            (earlier if stale else current).setdefault(page.path, set()).add(handle_key(login))
    return current, earlier


def approvals(
    pages: Iterable[TouchedPage],
    approved: Iterable[str] | Mapping[str, Iterable[str]],
    team_members: Mapping[str, Iterable[str]] | None = None,
    earlier: Mapping[str, Iterable[str]] | None = None,
) -> list[PageApproval]:
    """Which pages are approved by an owner or co-author (and the previous owner, if it changed).

    ``approved`` is either who approves every page, or page path → who approves that page (see
    :func:`approvals_by_page`); ``earlier`` is page path → who approved an earlier version of it.
    """
    pages = tuple(pages)
    if isinstance(approved, Mapping):
        per_page = {path: {handle_key(a) for a in who} for path, who in approved.items()}
    else:
        everywhere = {handle_key(a) for a in approved}
        per_page = {page.path: everywhere for page in pages}
    members = {
        team: {handle_key(m) for m in people} for team, people in (team_members or {}).items()
    }

    def by(handle: Handle, keys: set[str]) -> set[str]:
        return keys & members.get(handle.key, set()) if handle.is_team else keys & {handle.key}

    def can(page: TouchedPage, keys: set[str]) -> set[str]:
        people = (*page.approvers, *([page.previous_owner] if page.previous_owner else []))
        return set().union(*(by(h, keys) for h in people)) if people else set()

    result = []
    for page in pages:
        keys = per_page.get(page.path, set())
        who = set().union(*(by(h, keys) for h in page.approvers)) if page.approvers else set()
        waiting = () if who else page.approvers
        if page.previous_owner is not None and not by(page.previous_owner, keys):
            waiting = (
                (*waiting, page.previous_owner) if page.previous_owner not in waiting else waiting
            )
        stale = can(page, {handle_key(a) for a in (earlier or {}).get(page.path, ())}) - keys
        result.append(PageApproval(page, tuple(sorted(who)), waiting, tuple(sorted(stale))))
    return result
