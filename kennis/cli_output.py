"""The CLI's output: problems and pages for people (text), programs (JSON) and GitHub Actions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import click

from .errors import Problem
from .handles import Handle
from .page import Page
from .review import ReviewPlan
from .status import PageStatus

JSON_VERSION = 1


def problems_text(problems: Sequence[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def problems_json(problems: Sequence[Problem]) -> str:
    """A JSON list of ``{path, line, col, severity, message}``, sorted by file and position."""
    return json.dumps([p.to_json() for p in sorted(problems)], indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def problems_github(problems: Sequence[Problem]) -> str:
    """GitHub workflow commands, shown as annotations on the pull request's files."""
    lines = []
    for p in sorted(problems):
        where = f"file={_escape_property(p.path)},line={max(p.line, 1)},col={max(p.col, 1)}"
        lines.append(f"::{p.severity} {where}::{_escape_data(p.message)}")
    return "\n".join(lines)


def summary(pages: int, metas: int, problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    checked = (
        f"checked {pages} page{'s' * (pages != 1)} and {metas} folder default{'s' * (metas != 1)}"
    )
    if not problems:
        return f"{checked}: all good"
    return (
        f"{checked}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )


VIA = {
    "page": "front matter",
    "meta": "folder default",
    "codeowners": "CODEOWNERS",
    "fallback": "fallback_owner",
    "none": "nobody",
}


def owners_json(pages: Sequence[Page]) -> str:
    rows = [
        {
            "path": p.path,
            "owner": p.owner.to_json() if p.owner else None,
            "owner_via": p.owner_via,
            "coauthors": [c.to_json() for c in p.coauthors],
        }
        for p in pages
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


def owners_text(pages: Sequence[Page]) -> str:
    out = []
    for page in pages:
        out.append(page.path)
        if page.owner is None:
            out.append("  owner      (nobody)")
        else:
            out.append(
                f"  owner      {page.owner.handle.text:<28} {page.owner.source}  ({VIA[page.owner_via]})"
            )
        for person in page.coauthors:
            out.append(f"  co-author  {person.handle.text:<28} {person.source}")
    return "\n".join(out)


STATE_LABEL = {"due_soon": "due soon", "due": "due", "overdue": "OVERDUE"}
STATE_COLOUR = {"due_soon": "yellow", "due": "red", "overdue": "red"}


def stale_table(rows: Sequence[PageStatus], as_of: date) -> str:
    """A readable table of pages needing review (colours only reach a terminal)."""
    if not rows:
        return f"nothing is due for review as of {as_of.isoformat()}"
    header = ("state", "due", "overdue", "page", "owner", "co-authors")
    table = [header] + [
        (
            STATE_LABEL[r.freshness.state],
            r.freshness.due.isoformat() if r.freshness.due else "",
            f"{r.freshness.days_overdue} d" if r.freshness.days_overdue else "",
            r.page.path,
            r.page.owner.handle.text if r.page.owner else "(nobody)",
            ", ".join(c.handle.text for c in r.page.coauthors),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(table):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        line = "  ".join(cells).rstrip()
        if n == 0:
            line = click.style(line, bold=True)
        else:
            line = click.style(line, fg=STATE_COLOUR[rows[n - 1].freshness.state])
        lines.append(line)
    counts = {s: sum(r.freshness.state == s for r in rows) for s in ("overdue", "due", "due_soon")}
    lines.append(
        f"{counts['overdue']} overdue, {counts['due']} due, {counts['due_soon']} due soon as of {as_of.isoformat()}"
    )
    return "\n".join(lines)


def _handles(handles: Sequence[Handle]) -> list[str]:
    return [h.text for h in handles]


def review_json(plan: ReviewPlan) -> str:
    """The documented JSON of ``kennis reviewers``."""
    pages = [
        {
            "path": p.path,
            "old_path": p.old_path,
            "change": p.change,
            "title": p.title,
            "owner": p.owner.text if p.owner else None,
            "coauthors": _handles(p.coauthors),
            "previous_owner": p.previous_owner.text if p.previous_owner else None,
            "new_owner": p.new_owner.text if p.new_owner else None,
        }
        for p in plan.pages
    ]
    return json.dumps(
        {
            "pages": pages,
            "request": {"users": plan.users, "teams": plan.teams},
            "skipped": [{"handle": s.handle.text, "reason": s.reason} for s in plan.skipped],
        },
        indent=2,
        ensure_ascii=False,
    )


def review_text(plan: ReviewPlan) -> str:
    if not plan.pages:
        return "this change touches no knowledge base pages: nobody to ask"
    lines = [f"{len(plan.pages)} page{'s' * (len(plan.pages) != 1)} touched:"]
    for p in plan.pages:
        change = f"renamed from {p.old_path}" if p.old_path else p.change
        people = f"owner {p.owner.text if p.owner else '(nobody)'}"
        if p.coauthors:
            people += f", co-authors {', '.join(_handles(p.coauthors))}"
        if p.previous_owner:
            people += f"; ownership changes, so {p.previous_owner.text} must approve"
        lines.append(f"  {p.path} ({change}): {people}")
    ask = ", ".join(h.text for h in plan.request) or "nobody new"
    lines.append(f"would ask: {ask}")
    lines += [f"left out: {s.handle.text} ({s.reason})" for s in plan.skipped]
    return "\n".join(lines)
