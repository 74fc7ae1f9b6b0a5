"""First-time authors: told in plain words who reviews, what to fix and when the page goes live."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import Problem
from .handles import Handle, noreply_login
from .history import HistoryIndex
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .markdown import escape_inline, inline_code

MAX_FIXES = 5


def has_contributed(index: HistoryIndex | None, login: str) -> bool:
    """Whether ``login`` authored or co-authored any page in the history.

    GitHub's no-reply address names the login; otherwise the commit name must be the login.
    """
    if index is None:
        return True  # nothing known: do not welcome a regular as a newcomer
    wanted = login.lower().lstrip("@")
    for history in index.pages.values():
        for person in history.contributors:
            named = noreply_login(person.email) or person.name
            if named.strip().lower() == wanted:
                return True
    return False


def welcome_text(
    reviewers: Sequence[Handle],
    problems: Sequence[Problem],
    site_url: str | None,
    coach: Handle | None = None,
    tr: Translator | None = None,
) -> str:
    """The welcome section of the sticky comment (Markdown; every echoed value neutralised)."""
    tr = tr or translator(SOURCE_LANGUAGE)
    people = tr._(" or ").join(h.text for h in reviewers)
    if reviewers:
        who = tr._(
            "**Who reviews it:** {people}. GitHub has asked them; you do not need to do anything.",
            people=people,
        )
    else:
        who = tr._("**Who reviews it:** the knowledge team will find the right person.")
    if coach is not None:
        who += " " + tr._("{coach} also looks in to help with your first page.", coach=coach.text)
    lines = [
        tr._("### 👋 Welcome, and thank you"),
        "",
        tr._("This is your first change to this knowledge base. Here is what happens next."),
        "",
        f"- {who}",
    ]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines.append("- " + tr._("**What to fix first:**"))
        for problem in errors[:MAX_FIXES]:
            where = tr._("{path} line {line}", path=inline_code(problem.path), line=problem.line)
            lines.append(f"  - {where}: {escape_inline(problem.message)}")
        if len(errors) > MAX_FIXES:
            more = tr.ngettext(
                "…and {n} more: the **kennis/metadata** check lists them all.",
                "…and {n} more: the **kennis/metadata** check lists them all.",
                len(errors) - MAX_FIXES,
            )
            lines.append(f"  - {more}")
    else:
        lines.append(
            "- "
            + tr._("**What to fix:** nothing in the page settings; a reviewer may suggest changes.")
        )
    if site_url:
        live = tr._(
            "**When it is live:** as soon as a reviewer approves and the change is merged; the "
            "site is rebuilt within a few minutes at {site}.",
            site=site_url,
        )
    else:
        live = tr._(
            "**When it is live:** as soon as a reviewer approves and the change is merged; the "
            "site is rebuilt within a few minutes."
        )
    lines.append(f"- {live}")
    return "\n".join(lines)
