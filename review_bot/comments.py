"""The sticky review comment: who reviews which page and why, found by its marker, edited in place."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kennis.bot_text import bot_date, reason
from kennis.confirm import carry_ticks
from kennis.freshness import Freshness
from kennis.handles import Handle
from kennis.i18n import SOURCE_LANGUAGE, Translator, translator
from kennis.markdown import code, escape_inline
from kennis.review import PageApproval, Skip
from review_bot.locks import KeyedLocks

if TYPE_CHECKING:
    from github.PullRequest import PullRequest as GhPullRequest

MARKER = "<!-- kennis:reviewers -->"
MAX_ROWS = 100  # GitHub caps a comment at 65,536 characters; the checks list every page anyway
MAX_TITLE = 120


@dataclass(frozen=True)
class ReviewerReport:
    """Everything the comment shows; built by the reviewers concern, rendered by `render`."""

    pages: Sequence[PageApproval]
    freshness: Mapping[str, Freshness]
    requested: frozenset[str] = frozenset()  # handle keys with an open review request
    author: str = ""  # handle key of the pull request's author (who cannot approve it)
    skipped: Sequence[Skip] = ()
    refused: Mapping[str, str] = field(default_factory=dict)  # handle key -> why
    problems: int = 0
    confirm: str = ""  # the "please confirm" section for due pages (kennis.confirm)
    welcome: str = ""  # first-time authors: who reviews, what to fix, when live (kennis.welcome)


escape = escape_inline
_code = code


def _people(handles: Sequence[Handle]) -> str:
    return ", ".join(h.text for h in handles) if handles else "—"


def _review_cell(item: PageApproval, report: ReviewerReport, tr: Translator) -> str:
    page = item.page
    if item.ok:
        return tr._("✅ approved by {who}", who=", ".join(item.approved_by))
    waiting = [
        h
        for h in item.waiting_for
        if (h != page.previous_owner or h in page.approvers) and h.key != report.author
    ]
    parts = []
    if waiting:
        names = tr._(" or ").join(h.text for h in waiting)
        if any(h.key in report.requested for h in waiting):
            parts.append(tr._("⏳ waiting for {who}", who=names))
        else:
            parts.append(tr._("⏳ waiting for {who} (not asked)", who=names))
    if page.previous_owner is not None and page.previous_owner in item.waiting_for:
        parts.append(tr._("⏳ needs {who} (current owner) to agree", who=page.previous_owner.text))
    if item.earlier:
        parts.append(
            tr._(
                "{who} approved an earlier version; the page changed since",
                who=", ".join(item.earlier),
            )
        )
    return "<br>".join(parts) or tr._("⚠️ nobody can approve this page: set an owner")


def _freshness_cell(state: Freshness | None, tr: Translator) -> str:
    if state is None:
        return "—"
    due = bot_date(tr, state.due) if state.due else ""
    if state.basis == "none" and state.state != "evergreen":
        return tr._("⚪ not reviewed yet")
    cells = {
        "evergreen": tr._("🟢 never needs review"),
        "fresh": tr._("🟢 fresh until {due}", due=due),
        "due_soon": tr._("🟡 review due {due}", due=due),
        "due": tr._("🟠 review due since {due}", due=due),
        "overdue": tr._("🔴 overdue since {due}", due=due),
    }
    return cells[state.state]


def _change(change: str, old_path: str, tr: Translator) -> str:
    names = {
        "added": tr._("new page"),
        "modified": tr._("edited"),
        "renamed": tr._("moved from {old}", old=old_path),
        "deleted": tr._("deleted"),
        "ownership": tr._("owners change"),
    }
    return names.get(change, change)


def _row(item: PageApproval, report: ReviewerReport, tr: Translator) -> str:
    page = item.page
    title = escape(page.title[:MAX_TITLE]) if page.title else ""
    change = _change(page.change, _code(page.old_path or ""), tr)
    name = f"{title}<br>{_code(page.path)}" if title else _code(page.path)
    owner = page.owner.text if page.owner else "—"
    if page.new_owner is not None and page.new_owner != page.owner:
        owner += f" → {page.new_owner.text}"
    cells = [
        f"{name} ({change})",
        owner,
        _people(page.coauthors),
        _review_cell(item, report, tr),
        _freshness_cell(report.freshness.get(page.path), tr),
    ]
    return "| " + " | ".join(cells) + " |"


def _requested_in_page_order(report: ReviewerReport) -> str:
    """Everyone with an open request, page by page (owner first): stable between events."""
    seen: dict[str, str] = {}
    for item in report.pages:
        page = item.page
        for handle in (*page.approvers, page.previous_owner):
            if handle is not None and handle.key in report.requested:
                seen.setdefault(handle.key, handle.text)
    for key in sorted(report.requested - set(seen)):
        seen[key] = key
    return ", ".join(seen.values())


def render(report: ReviewerReport, tr: Translator | None = None) -> str:
    """The comment's Markdown in *tr*'s language (English by default), marker first.

    Deterministic for the same report and language.
    """
    tr = tr or translator(SOURCE_LANGUAGE)
    lines = [MARKER, *([report.welcome, ""] if report.welcome else [])]
    lines += [tr._("### Who reviews this change"), ""]
    if not report.pages:
        lines.append(
            tr._(
                "This pull request changes no knowledge-base pages, so no page owner needs "
                "to review it."
            )
        )
    else:
        lines += [_intro(len(report.pages), tr), ""]
        asked = _requested_in_page_order(report)
        if asked:
            lines.append(tr._("Review requested from: {people}.", people=asked))
        else:
            lines.append(tr._("No review is requested at the moment."))
        lines += ["", _table_head(tr)]
        lines += [_row(item, report, tr) for item in report.pages[:MAX_ROWS]]
        if len(report.pages) > MAX_ROWS:
            lines.append("\n" + _more_rows(len(report.pages) - MAX_ROWS, tr))
    lines += _not_asked(report, tr)
    if report.problems:
        lines += ["", _problems(report.problems, tr)]
    if report.confirm:
        lines += ["", report.confirm.rstrip("\n")]
    lines += ["", _footer(tr)]
    return "\n".join(lines) + "\n"


def _intro(count: int, tr: Translator) -> str:
    return tr.ngettext(
        "This pull request changes **{n} page**. Every page is checked by the person who owns "
        "it or by one of its co-authors.",
        "This pull request changes **{n} pages**. Every page is checked by the person who owns "
        "it or by one of its co-authors.",
        count,
    )


def _table_head(tr: Translator) -> str:
    return tr._("| Page | Owner | Co-authors | Review | Freshness |") + "\n|---|---|---|---|---|"


def _more_rows(count: int, tr: Translator) -> str:
    return tr.ngettext(
        "…and {n} more page: the **kennis/owner-approval** check lists all of them.",
        "…and {n} more pages: the **kennis/owner-approval** check lists all of them.",
        count,
    )


def _not_asked(report: ReviewerReport, tr: Translator) -> list[str]:
    """Who was left out, and whom GitHub would not let us ask (with the reasons)."""
    lines: list[str] = []
    if report.skipped:
        lines += ["", tr._("**Not asked**")]
        lines += [f"- {s.handle.text}: {reason(s.reason, tr)}" for s in report.skipped]
    if report.refused:
        lines += ["", tr._("**Could not ask**")]
        lines += [f"- {key}: {reason(why, tr)}" for key, why in sorted(report.refused.items())]
        hint = tr._(
            "GitHub only lets people with access to this repository review. Ask a repository "
            "admin to invite them, or change the page's owner."
        )
        lines.append("\n" + hint)
    return lines


def _problems(count: int, tr: Translator) -> str:
    return tr.ngettext(
        "⚠️ {n} problem in the pages' settings (front matter): the **kennis/metadata** check "
        "shows where to fix them.",
        "⚠️ {n} problems in the pages' settings (front matter): the **kennis/metadata** check "
        "shows where to fix them.",
        count,
    )


def _footer(tr: Translator) -> str:
    return tr._(
        "<sub>kennis updates this comment when the pull request changes. Owners are taken from "
        "the base branch, so a change to `owner:` or `coauthors:` also needs the current "
        "owner's approval.</sub>"
    )


def _is_ours(body: str | None, author_type: str | None) -> bool:
    return bool(body) and MARKER in (body or "") and author_type == "Bot"


def _section_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"\n*<!-- kennis:{name} -->\n.*?<!-- /kennis:{name} -->\n?", re.S)


def section(name: str, text: str) -> str:
    """A part of the comment another concern owns (e.g. the preview), kept across re-renders."""
    return f"<!-- kennis:{name} -->\n{text.strip()}\n<!-- /kennis:{name} -->\n"


def _sections(body: str) -> dict[str, str]:
    names = re.findall(r"<!-- kennis:([a-z-]+) -->\n", body)
    found = {}
    for name in names:
        match = _section_re(name).search(body)
        if match:
            found[name] = match.group(0).strip("\n") + "\n"
    return found


def _merge(old: str, new: str) -> str:
    """The new text, plus the other concerns' sections of the old one, plus boxes already ticked."""
    new = carry_ticks(old, new)
    for name, text in _sections(old).items():
        if name not in _sections(new):
            new = new.rstrip("\n") + "\n\n" + text
    return new


def _find(pr: GhPullRequest) -> Any:
    for comment in pr.get_issue_comments():
        if _is_ours(comment.body, comment.user.type if comment.user else None):
            return comment
    return None


# One lock per (repository, pull request) for every concern that edits the sticky comment:
# each reads the comment, merges its part and writes it back, so two unlocked writers would
# each write a body without the other's change.
_locks: KeyedLocks[tuple[str, int]] = KeyedLocks()
_PULL_URL = re.compile(r"/repos/([^/]+/[^/]+)/(?:pulls|issues)/([0-9]+)/?$")


def _key(pr: GhPullRequest) -> tuple[str, int]:
    # From the URL PyGithub already has: no request, even for a lazy pull request object.
    match = _PULL_URL.search(pr.url or "")
    if match is None:
        return (pr.url or "").lower(), pr.number
    return match.group(1).lower(), int(match.group(2))


@contextmanager
def locked(pr: GhPullRequest) -> Iterator[None]:
    """Hold the sticky comment of *pr* for one read-merge-write."""
    with _locks.hold(_key(pr)):
        yield


def upsert(pr: GhPullRequest, body: str) -> str:
    """Edit our marked comment if there is one, else create it; returns what was done.

    Looked up by marker on every call, so a retried delivery never adds a second comment.
    Sections owned by other concerns and ticked confirm boxes survive the edit.
    """
    with locked(pr):
        return _upsert(pr, body)


def _upsert(pr: GhPullRequest, body: str) -> str:
    comment = _find(pr)
    if comment is None:
        pr.create_issue_comment(body)
        return "created"
    body = _merge(comment.body, body)
    if comment.body == body:
        return "unchanged"
    comment.edit(body)
    return "updated"


def upsert_section(pr: GhPullRequest, name: str, text: str, *, create: bool = True) -> str:
    """Put one concern's section into the sticky comment (which is made if it is missing)."""
    with locked(pr):
        return _upsert_section(pr, name, text, create=create)


def _upsert_section(pr: GhPullRequest, name: str, text: str, *, create: bool) -> str:
    comment = _find(pr)
    block = section(name, text)
    if comment is None:
        if not create:
            return "unchanged"
        pr.create_issue_comment(f"{MARKER}\n\n{block}")
        return "created"
    pattern = _section_re(name)
    if pattern.search(comment.body):
        body = pattern.sub(lambda _m: "\n\n" + block, comment.body, count=1)
    else:
        body = comment.body.rstrip("\n") + "\n\n" + block
    if body == comment.body:
        return "unchanged"
    comment.edit(body)
    return "updated"
