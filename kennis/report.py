"""Render problems and pages for people (text), programs (JSON) and GitHub Actions (annotations)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import click

from .errors import Problem
from .page import Page
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
