"""Plan the freshness scan: one review-due issue per owner, edited in place, closed when done.

Pure: from page statuses and the open review-due issues (parsed from their hidden blocks, see
``kennis.due_issue``) to a list of actions. The same inputs give byte-identical bodies, so a
second scan with nothing changed plans nothing.

Escalation: a page whose owner lost access (``inactive``), or which stayed overdue through two
earlier scans of its owner's issue, goes to the first active co-author, else the folder owner,
else ``fallback_owner``; the issue names the original owner and why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .due_issue import (
    MAX_LISTED,
    DueEntry,
    ExistingIssue,
    Listed,
    has_marker,
    render_issue,
    thanks_body,
    title,
)
from .handles import Handle, handle_key
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .kb import KnowledgeBase
from .paths import is_under, parents
from .status import PageStatus, most_urgent_first
from .urls import page_url
from .visibility import is_counted

REASON_INACTIVE = "no longer has access to this repository"
REASON_IGNORED = "no response for two scans after the page became overdue"
IGNORE_SCANS = 2  # overdue scans an owner may let pass before the page is escalated

Kind = Literal["create", "edit", "close", "close_duplicate"]


@dataclass(frozen=True)
class IssueAction:
    """One write: create, edit, close (thank-you body) or close a duplicate."""

    kind: Kind
    owner: str
    number: int | None
    title: str
    body: str
    assignees: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Escalation:
    path: str
    from_owner: str
    to_owner: str
    reason: str


@dataclass(frozen=True)
class ScanPlan:
    """The actions for one repository, and what the scan found (for its report)."""

    actions: list[IssueAction]
    owners: dict[str, list[DueEntry]]
    escalations: list[Escalation] = field(default_factory=list)
    unowned: list[str] = field(default_factory=list)


def folder_owners(kb: KnowledgeBase) -> dict[str, Handle]:
    """For every page, the owner named by the nearest ``.meta.yml`` (the folder owner)."""
    result: dict[str, Handle] = {}
    for path in kb.pages:
        for folder in reversed(parents(path)):
            meta = kb.metas.get(folder)
            if (
                meta is not None
                and "owner" in meta.scalars
                and is_under(folder, kb.config.content_dir)
            ):
                result[path] = meta.scalars["owner"][0]
                break
    return result


@dataclass(frozen=True)
class _Chooser:
    """Decides who a page goes to this scan, remembering what the existing issues say."""

    listed: Mapping[str, tuple[str, Listed]]  # path -> (issue owner key, listing)
    inactive: frozenset[str]
    folder: Mapping[str, Handle]
    fallback: Handle | None
    as_of: date

    def choose(self, status: PageStatus) -> tuple[Handle, str | None, tuple[str, ...]]:
        """(assignee, escalation reason or None, overdue scan dates to remember)."""
        page = status.page
        owner = page.owner.handle if page.owner else self.fallback
        assert owner is not None
        before = self.listed.get(page.path)
        overdue = status.freshness.state == "overdue"
        reason: str | None = None
        if owner.key in self.inactive:
            reason = REASON_INACTIVE
        elif overdue and before is not None:
            where, listing = before
            if listing.escalated_from and handle_key(listing.escalated_from) == owner.key:
                reason = listing.reason or REASON_IGNORED  # stays escalated while overdue
            elif where == owner.key and _ignored(listing.seen, self.as_of):
                reason = REASON_IGNORED
        target = owner if reason is None else self._next(status, owner)
        if target is None:
            target, reason = owner, None  # nobody else to ask: keep asking the owner
        seen: tuple[str, ...] = ()
        if overdue:
            prior = before[1].seen if before and before[0] == target.key else ()
            today = self.as_of.isoformat()
            seen = prior if today in prior or len(prior) >= IGNORE_SCANS else (*prior, today)
        return target, reason, seen

    def _next(self, status: PageStatus, owner: Handle) -> Handle | None:
        page = status.page
        chain = [c.handle for c in page.coauthors]
        chain += [h for h in (self.folder.get(page.path), self.fallback) if h is not None]
        for handle in chain:
            if handle.key != owner.key and handle.key not in self.inactive:
                return handle
        return None


def _ignored(seen: tuple[str, ...], as_of: date) -> bool:
    return len(seen) >= IGNORE_SCANS and all(s < as_of.isoformat() for s in seen)


def plan_scan(
    statuses: Sequence[PageStatus],
    existing: Sequence[ExistingIssue],
    *,
    as_of: date,
    site_url: str | None = None,
    content_dir: str = "content",
    fallback_owner: Handle | None = None,
    folder: Mapping[str, Handle] | None = None,
    inactive: Iterable[str] = (),
    reported: Collection[str] = frozenset(),
    tr: Translator | None = None,
) -> ScanPlan:
    """Who must review what, and the issue writes that make GitHub say so (none if unchanged).

    Pages in *reported* (readers reported them outdated) come first, even before they are due.
    Issues are written in *tr*'s language (English by default).
    """
    tr = tr or translator(SOURCE_LANGUAGE)
    listed = {p.path: (i.owner_key, p) for i in existing for p in i.pages}
    chooser = _Chooser(
        listed, frozenset(handle_key(k) for k in inactive), folder or {}, fallback_owner, as_of
    )
    owners: dict[str, list[DueEntry]] = {}
    handles: dict[str, Handle] = {}
    escalations: list[Escalation] = []
    unowned: list[str] = []
    for status in _reported_first(statuses, reported):
        page = status.page
        if page.snoozed_until is not None and page.snoozed_until > as_of:
            continue  # the owner said "not now": back on the list when the snooze ends
        if page.owner is None and fallback_owner is None:
            unowned.append(page.path)
            continue
        target, reason, seen = chooser.choose(status)
        original = page.owner.handle if page.owner else target
        before = listed.get(page.path)
        checked = bool(before and before[0] == target.key and before[1].checked)
        if reason:
            escalations.append(Escalation(page.path, original.text, target.text, reason))
        fresh = status.freshness
        entry = DueEntry(
            page.path,
            page.title or page.path,
            page_url(site_url, content_dir, page.path),
            fresh.due or as_of,  # an evergreen page only needs review when reported
            fresh.days_overdue,
            fresh.state,
            checked,
            seen,
            original.text if reason else None,
            reason,
            page.path in reported,
            _original_changed(status),
        )
        owners.setdefault(target.key, []).append(entry)
        handles.setdefault(target.key, target)
    actions = _actions(owners, handles, existing, as_of, tr)
    return ScanPlan(actions, owners, escalations, unowned)


def _original_changed(status: PageStatus) -> date | None:
    """For a translation listed because it is behind: the day its original changed."""
    state = status.translation
    return state.changed_on if state is not None and state.behind else None


def _reported_first(statuses: Sequence[PageStatus], reported: Collection[str]) -> list[PageStatus]:
    flagged = [s for s in statuses if s.page.path in reported and is_counted(s.page)]
    urgent = most_urgent_first(list(statuses))
    return sorted(flagged, key=lambda s: s.page.path) + [
        s for s in urgent if s.page.path not in reported
    ]


def _actions(
    owners: Mapping[str, list[DueEntry]],
    handles: Mapping[str, Handle],
    existing: Sequence[ExistingIssue],
    as_of: date,
    tr: Translator,
) -> list[IssueAction]:
    by_owner: dict[str, list[ExistingIssue]] = {}
    for issue in sorted(existing, key=lambda i: i.number):
        by_owner.setdefault(issue.owner_key, []).append(issue)
    actions: list[IssueAction] = []
    for key in sorted(set(owners) | set(by_owner)):
        issues = by_owner.get(key, [])
        entries = owners.get(key)
        if entries:
            actions += _for_owner(handles[key], entries, issues[:1], as_of, tr)
        elif issues:
            actions.append(_close(issues[0], "close", tr))
        actions += [_close(dup, "close_duplicate", tr) for dup in issues[1:]]
    return actions


def _for_owner(
    owner: Handle,
    entries: list[DueEntry],
    current: list[ExistingIssue],
    as_of: date,
    tr: Translator,
) -> list[IssueAction]:
    heading = title(owner, tr)
    assignees = () if owner.is_team else (owner.login,)
    more = len(entries) - MAX_LISTED
    entries = entries[:MAX_LISTED]
    body = render_issue(owner, entries, as_of, more, tr)
    paths = tuple(e.path for e in entries)
    if not current:
        return [IssueAction("create", owner.text, None, heading, body, assignees, paths)]
    issue = current[0]
    same_pages = [p.semantic for p in issue.pages] == [e.semantic() for e in entries]
    has_assignees = {handle_key(a) for a in assignees} <= {handle_key(a) for a in issue.assignees}
    if same_pages and issue.title == heading and has_assignees and has_marker(issue.body):
        return []
    return [IssueAction("edit", owner.text, issue.number, heading, body, assignees, paths)]


def _close(issue: ExistingIssue, kind: Kind, tr: Translator) -> IssueAction:
    return IssueAction(kind, issue.owner, issue.number, issue.title, thanks_body(issue.owner, tr))
