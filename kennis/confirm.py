"""Confirming pages: who may, ``/verify`` commands, and the PR comment's "still accurate?" boxes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .handles import Handle, handle_key
from .page import Page
from .status import PageStatus

SECTION_MARKER = "<!-- kennis:confirm -->"
SECTION_INTRO = (
    "**Still accurate?** This pull request touches pages that are due for review. Their owner "
    "or a co-author can tick a box to confirm a page in this pull request: kennis pushes the "
    "`reviewed:` bump to this branch."
)
REFUSED = (
    "@{sender}, thanks for checking! Only a page's owner or a co-author can confirm that it is "
    "still accurate, so this did not change anything:\n\n{lines}\n\n"
    "If you think the page needs changes, please edit it or open an issue."
)
UNKNOWN = "- `{path}`: not a page of this knowledge base"
_COMMAND = re.compile(r"^\s*/verify\b(?P<args>[^\n]*)$", re.M)
_BOX = re.compile(
    r"^\s*[-*] \[(?P<mark>[ xX])\] .*<!-- kennis:confirm path=(?P<path>[^\s>]+) -->", re.M
)


def verify_command(body: str | None) -> list[str] | None:
    """Paths named by ``/verify a.md b.md`` lines (``[]`` for a bare ``/verify``; None if none)."""
    found = list(_COMMAND.finditer(body or ""))
    if not found:
        return None
    paths = [p.strip("`") for m in found for p in m["args"].split()]
    return list(dict.fromkeys(p for p in paths if p))


def may_confirm(page: Page, login: str, teams_of: set[str]) -> bool:
    """True if ``login`` is the page's owner or a co-author, directly or through a team."""
    for handle in page.reviewers:
        if handle.is_team and handle.key in teams_of:
            return True
        if not handle.is_team and handle.key == handle_key(login):
            return True
    return False


def who_can_confirm(page: Page) -> str:
    return ", ".join(h.text for h in page.reviewers) or "nobody (the page has no owner)"


def refusal(sender: str, pages: Sequence[Page], unknown: Sequence[str] = ()) -> str:
    """The polite reply to someone who may not confirm these pages."""
    lines = [f"- `{p.path}`: {who_can_confirm(p)}" for p in pages]
    lines += [UNKNOWN.format(path=path) for path in unknown]
    return REFUSED.format(sender=sender, lines="\n".join(lines))


def render_confirm_section(touched: Sequence[PageStatus]) -> str:
    """The review comment's section for due/overdue pages a PR touches; "" when none are due.

    One checkbox per page with a hidden per-path marker, so an edit of the comment maps back.
    """
    due = [s for s in touched if s.freshness.state in ("due", "overdue")]
    if not due:
        return ""
    lines = [SECTION_MARKER, SECTION_INTRO, ""]
    for status in sorted(due, key=lambda s: (-s.freshness.days_overdue, s.page.path)):
        page, fresh = status.page, status.freshness
        assert fresh.due is not None
        who = " ".join(h.text for h in page.reviewers)
        lines.append(
            f"- [ ] `{page.path}` — due {fresh.due.isoformat()} — confirm: {who} "
            f"<!-- kennis:confirm path={page.path} -->"
        )
    return "\n".join(lines) + "\n"


def confirm_ticks(old_body: str | None, new_body: str | None) -> list[str]:
    """Paths whose confirm box went from ``[ ]`` to ``[x]`` in an edit of the review comment."""
    before = {m["path"]: m["mark"] != " " for m in _BOX.finditer(old_body or "")}
    after = {m["path"]: m["mark"] != " " for m in _BOX.finditer(new_body or "")}
    return [p for p, on in after.items() if on and not before.get(p, False)]


def carry_ticks(old_body: str | None, new_body: str) -> str:
    """Keep ``[x]`` on confirm boxes that were already ticked when the comment is re-rendered.

    Otherwise a re-render would untick them and the next tick would look like a new one.
    """
    ticked = {m["path"] for m in _BOX.finditer(old_body or "") if m["mark"] != " "}
    if not ticked:
        return new_body
    return _BOX.sub(
        lambda m: m.group(0).replace("[ ]", "[x]", 1) if m["path"] in ticked else m.group(0),
        new_body,
    )


def branch_slug(handle: Handle | str) -> str:
    """``@acme/Ops`` → ``acme-ops``: safe in a branch name."""
    text = handle.text if isinstance(handle, Handle) else handle
    return re.sub(r"[^a-z0-9-]+", "-", text.lstrip("@").lower()).strip("-") or "owner"
