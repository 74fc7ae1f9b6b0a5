"""First-time authors: told in plain words who reviews, what to fix and when the page goes live."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import Problem
from .handles import Handle, noreply_login
from .history import HistoryIndex
from .markdown import escape_inline, inline_code

MAX_FIXES = 5
HEADING = "### 👋 Welcome, and thank you"
FIRST = "This is your first change to this knowledge base. Here is what happens next."
WHO = "**Who reviews it:** {people}. GitHub has asked them; you do not need to do anything."
WHO_NOBODY = "**Who reviews it:** the knowledge team will find the right person."
COACH = " {coach} also looks in to help with your first page."
FIX = "**What to fix first:**"
NO_FIX = "**What to fix:** nothing in the page settings; a reviewer may suggest changes."
MORE = "- …and {count} more: the **kennis/metadata** check lists them all."
LIVE = (
    "**When it is live:** as soon as a reviewer approves and the change is merged; the site is"
    " rebuilt within a few minutes{where}."
)


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
) -> str:
    """The welcome section of the sticky comment (Markdown; every echoed value neutralised)."""
    people = " or ".join(h.text for h in reviewers)
    who = WHO.format(people=people) if reviewers else WHO_NOBODY
    if coach is not None:
        who += COACH.format(coach=coach.text)
    lines = [HEADING, "", FIRST, "", f"- {who}"]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        lines.append(f"- {FIX}")
        for problem in errors[:MAX_FIXES]:
            lines.append(
                f"  - {inline_code(problem.path)} line {problem.line}: "
                f"{escape_inline(problem.message)}"
            )
        if len(errors) > MAX_FIXES:
            lines.append("  " + MORE.format(count=len(errors) - MAX_FIXES))
    else:
        lines.append(f"- {NO_FIX}")
    where = f" at {site_url}" if site_url else ""
    lines.append(f"- {LIVE.format(where=where)}")
    return "\n".join(lines)
