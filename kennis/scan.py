"""Plan the freshness scan: one review-due issue per owner, edited in place, closed when done.

Pure: from page statuses and the open review-due issues (parsed from their hidden blocks) to a list
of actions. The same inputs give byte-identical bodies, so a second scan with nothing changed
plans nothing. Each issue body carries::

    <!-- kennis:review-due owner=@alice -->            (whose issue this is)
    - [ ] [Title](url) — `content/a.md` — due 2026-01-01 (45 days overdue)
    <!-- kennis:review-due-data
    {"as_of": "...", "owner": "@alice", "pages": [{"path": ..., "seen": [...], ...}]}
    -->

The visible checkbox lines say which pages the owner ticked; the data block says which pages
the bot listed and what it remembers about them (``seen``: scan dates on which the page was
listed overdue, at most two; ``from``/``why``: whose page it was before escalation).

Escalation: a page whose owner lost access (``inactive``), or which stayed overdue through two
earlier scans of its owner's issue, goes to the first active co-author, else the folder owner,
else ``fallback_owner``; the issue names the original owner and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .handles import Handle, handle_key, parse_handle
from .kb import KnowledgeBase
from .markdown import escape_inline
from .paths import is_under, parents
from .status import PageStatus, most_urgent_first
from .urls import page_url

LABEL = "kennis:review-due"
LABEL_COLOR = "d4c5f9"
LABEL_DESCRIPTION = "Pages whose owner should confirm they are still accurate (kennis)"
TITLE = "Review due: pages owned by {owner}"
MARKER = "<!-- kennis:review-due owner={owner} -->"
DATA_OPEN = "<!-- kennis:review-due-data"
DATA_CLOSE = "-->"
INTRO = (
    "{mention}, these pages are due for review. If a page is still accurate, tick its box "
    "(or comment `/verify <path>`) and kennis opens a pull request recording who confirmed it "
    "and when. If it needs changes, edit the page; the list updates on the next scan."
)
AS_OF = "_Status as of {as_of}._"
ESCALATED = " — escalated from {owner} ({why})"
THANKS = (
    "{mention}, thank you! Every page on this list has been confirmed or updated, so nothing "
    "is due for review any more. kennis opens a new issue when a page falls due again."
)
REASON_INACTIVE = "no longer has access to this repository"
REASON_IGNORED = "no response for two scans after the page became overdue"
IGNORE_SCANS = 2  # overdue scans an owner may let pass before the page is escalated
MAX_LISTED = 100  # GitHub caps issue bodies at 65,536 characters; the rest follow later
MORE = "…and {count} more pages, listed here as these are done."

_MARKER = re.compile(r"<!-- kennis:review-due owner=(?P<owner>@[^\s>]+) -->")
_DATA = re.compile(re.escape(DATA_OPEN) + r"\s*(?P<json>\{.*?\})\s*" + DATA_CLOSE, re.S)
_LINE = re.compile(r"^\s*[-*] \[(?P<mark>[ xX])\] .*?— `(?P<path>[^`\n]+)` — due", re.M)

Kind = Literal["create", "edit", "close", "close_duplicate"]


@dataclass(frozen=True)
class Listed:
    """What an existing issue says about one page."""

    path: str
    checked: bool = False
    seen: tuple[str, ...] = ()
    escalated_from: str | None = None
    reason: str | None = None
    semantic: tuple[object, ...] = ()


@dataclass(frozen=True)
class ExistingIssue:
    """An open review-due issue, parsed; ``owner`` is the handle text from its marker."""

    number: int
    owner: str
    title: str
    body: str
    assignees: tuple[str, ...] = ()
    pages: tuple[Listed, ...] = ()

    @property
    def owner_key(self) -> str:
        return handle_key(self.owner)


@dataclass(frozen=True)
class DueEntry:
    """One page in an owner's issue."""

    path: str
    title: str
    url: str | None
    due: date
    days_overdue: int
    state: str
    checked: bool = False
    seen: tuple[str, ...] = ()
    escalated_from: str | None = None
    reason: str | None = None

    def semantic(self) -> tuple[object, ...]:
        """Everything a reader would notice changing, except day counts (they move daily)."""
        due = self.due.isoformat()
        return (
            self.path,
            self.title,
            self.url,
            due,
            self.state,
            self.checked,
            self.seen,
            self.escalated_from,
            self.reason,
        )


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


# -- parsing existing issues -------------------------------------------------------------------


def parse_issue(
    number: int, title: str, body: str | None, assignees: Iterable[str] = ()
) -> ExistingIssue | None:
    """Read an issue's marker, data block and checkboxes; None if it is not a review-due issue."""
    body = body or ""
    marker = _MARKER.search(body)
    if marker is None:
        return None
    checked = {m["path"]: m["mark"] != " " for m in _LINE.finditer(body)}
    pages: list[Listed] = []
    found = _DATA.search(body)
    data: dict[str, object] = {}
    if found:
        try:
            loaded = json.loads(found["json"])
            data = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            data = {}
    raw_pages = data.get("pages")
    for item in raw_pages if isinstance(raw_pages, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        seen = tuple(s for s in item.get("seen") or () if isinstance(s, str))
        tick = checked.get(item["path"], False)
        semantic = (
            item["path"],
            item.get("title"),
            item.get("url"),
            item.get("due"),
            item.get("state"),
            tick,
            seen,
            item.get("from"),
            item.get("why"),
        )
        pages.append(Listed(item["path"], tick, seen, item.get("from"), item.get("why"), semantic))
    return ExistingIssue(number, marker["owner"], title, body, tuple(assignees), tuple(pages))


def ticked(old_body: str | None, new_body: str | None) -> list[str]:
    """Paths whose box went from ``[ ]`` to ``[x]`` between two versions of an issue body."""
    before = {m["path"]: m["mark"] != " " for m in _LINE.finditer(old_body or "")}
    after = {m["path"]: m["mark"] != " " for m in _LINE.finditer(new_body or "")}
    listed = parse_issue(0, "", new_body)
    known = {p.path for p in listed.pages} if listed else set()
    return [p for p, on in after.items() if on and not before.get(p, False) and p in known]


# -- planning ----------------------------------------------------------------------------------


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
) -> ScanPlan:
    """Who must review what, and the issue writes that make GitHub say so (none if unchanged)."""
    listed = {p.path: (i.owner_key, p) for i in existing for p in i.pages}
    chooser = _Chooser(
        listed, frozenset(handle_key(k) for k in inactive), folder or {}, fallback_owner, as_of
    )
    owners: dict[str, list[DueEntry]] = {}
    handles: dict[str, Handle] = {}
    escalations: list[Escalation] = []
    unowned: list[str] = []
    for status in most_urgent_first(list(statuses)):
        page = status.page
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
        assert fresh.due is not None
        entry = DueEntry(
            page.path,
            page.title or page.path,
            page_url(site_url, content_dir, page.path),
            fresh.due,
            fresh.days_overdue,
            fresh.state,
            checked,
            seen,
            original.text if reason else None,
            reason,
        )
        owners.setdefault(target.key, []).append(entry)
        handles.setdefault(target.key, target)
    actions = _actions(owners, handles, existing, as_of)
    return ScanPlan(actions, owners, escalations, unowned)


def _actions(
    owners: Mapping[str, list[DueEntry]],
    handles: Mapping[str, Handle],
    existing: Sequence[ExistingIssue],
    as_of: date,
) -> list[IssueAction]:
    by_owner: dict[str, list[ExistingIssue]] = {}
    for issue in sorted(existing, key=lambda i: i.number):
        by_owner.setdefault(issue.owner_key, []).append(issue)
    actions: list[IssueAction] = []
    for key in sorted(set(owners) | set(by_owner)):
        issues = by_owner.get(key, [])
        entries = owners.get(key)
        if entries:
            actions += _for_owner(handles[key], entries, issues[:1], as_of)
        elif issues:
            actions.append(_close(issues[0], "close"))
        actions += [_close(dup, "close_duplicate") for dup in issues[1:]]
    return actions


def _for_owner(
    owner: Handle, entries: list[DueEntry], current: list[ExistingIssue], as_of: date
) -> list[IssueAction]:
    title = TITLE.format(owner=owner.text)
    assignees = () if owner.is_team else (owner.login,)
    more = len(entries) - MAX_LISTED
    entries = entries[:MAX_LISTED]
    body = render_issue(owner, entries, as_of, more)
    paths = tuple(e.path for e in entries)
    if not current:
        return [IssueAction("create", owner.text, None, title, body, assignees, paths)]
    issue = current[0]
    same_pages = [p.semantic for p in issue.pages] == [e.semantic() for e in entries]
    has_assignees = {handle_key(a) for a in assignees} <= {handle_key(a) for a in issue.assignees}
    if same_pages and issue.title == title and has_assignees and _MARKER.search(issue.body):
        return []
    return [IssueAction("edit", owner.text, issue.number, title, body, assignees, paths)]


def _close(issue: ExistingIssue, kind: Kind) -> IssueAction:
    mention = issue.owner
    body = MARKER.format(owner=issue.owner) + "\n" + THANKS.format(mention=mention) + "\n"
    return IssueAction(kind, issue.owner, issue.number, issue.title, body)


# -- rendering ---------------------------------------------------------------------------------


def _days(entry: DueEntry) -> str:
    if entry.state == "due_soon":
        return "due soon"
    if entry.days_overdue == 0:
        return "due today"
    unit = "day" if entry.days_overdue == 1 else "days"
    return f"{entry.days_overdue} {unit} overdue"


def render_line(entry: DueEntry) -> str:
    mark = "x" if entry.checked else " "
    title = escape_inline(entry.title)
    link = f"[{title}]({entry.url})" if entry.url else title
    line = f"- [{mark}] {link} — `{entry.path}` — due {entry.due.isoformat()} ({_days(entry)})"
    if entry.escalated_from:
        line += ESCALATED.format(owner=entry.escalated_from, why=entry.reason)
    return line


def render_issue(owner: Handle, entries: Sequence[DueEntry], as_of: date, more: int = 0) -> str:
    """The issue body: marker, intro, one line per page (most overdue first), data block."""
    data = {
        "as_of": as_of.isoformat(),
        "owner": owner.text,
        "pages": [
            {
                "path": e.path,
                "title": e.title,
                "url": e.url,
                "due": e.due.isoformat(),
                "state": e.state,
                "seen": list(e.seen),
                "from": e.escalated_from,
                "why": e.reason,
            }
            for e in entries
        ],
    }
    lines = [
        MARKER.format(owner=owner.text),
        INTRO.format(mention=owner.text),
        "",
        *(render_line(e) for e in entries),
        *([MORE.format(count=more)] if more > 0 else []),
        "",
        AS_OF.format(as_of=as_of.isoformat()),
        "",
        DATA_OPEN,
        json.dumps(data, ensure_ascii=False, sort_keys=True).replace("--", "\\u002d-"),
        DATA_CLOSE,
    ]
    return "\n".join(lines) + "\n"


def owner_of_issue(issue: ExistingIssue) -> Handle | None:
    try:
        return parse_handle(issue.owner)
    except ValueError:
        return None
