"""The CLI's output: problems and pages for people (text), programs (JSON) and GitHub Actions."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .i18n import Translator, translator

if TYPE_CHECKING:  # only named in signatures: `kennis index` does not import the page model
    from .errors import KennisError, Problem
    from .handles import Handle
    from .history import HistoryIndex
    from .page import Page
    from .review import ReviewPlan
    from .status import PageStatus

JSON_VERSION = 1
ENGLISH = translator(None)  # the default; JSON is for programs and is never translated


def speaker(root: Path) -> Translator:
    """The CLI's language: ``language:`` in the repository's .github/kennis.yml (else English)."""
    from .config import load_config

    config, _problems = load_config(root)  # a bad file is reported by `kennis check`
    return translator(config.language)


def problems_text(problems: Sequence[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def problems_json(problems: Sequence[Problem]) -> str:
    """A JSON list of ``{path, line, col, severity, message}``, sorted by file and position."""
    return json.dumps([p.to_json() for p in sorted(problems)], indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def problems_github(problems: Sequence[Problem], tr: Translator = ENGLISH) -> str:
    """GitHub workflow commands, shown as annotations on the pull request's files (for people)."""
    from .texts import say

    lines = []
    for p in sorted(problems):
        where = f"file={_escape_property(p.path)},line={max(p.line, 1)},col={max(p.col, 1)}"
        lines.append(f"::{p.severity} {where}::{_escape_data(say(p.message, tr))}")
    return "\n".join(lines)


def summary(pages: int, metas: int, problems: Sequence[Problem], tr: Translator = ENGLISH) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    checked = tr._(
        "checked {pages} and {metas}",
        pages=tr.ngettext("{n} page", "{n} pages", pages),
        metas=tr.ngettext("{n} folder default", "{n} folder defaults", metas),
    )
    if not problems:
        return tr._("{checked}: all good", checked=checked)
    return tr._(
        "{checked}: {errors}, {warnings}",
        checked=checked,
        errors=tr.ngettext("{n} error", "{n} errors", errors),
        warnings=tr.ngettext("{n} warning", "{n} warnings", warnings),
    )


def via_labels(tr: Translator) -> dict[str, str]:
    """Where an owner came from, as ``kennis owners`` says it."""
    return {
        "page": tr._("front matter"),
        "meta": tr._("folder default"),
        "codeowners": "CODEOWNERS",
        "fallback": "fallback_owner",
        "none": tr._("nobody"),
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


def owners_text(pages: Sequence[Page], tr: Translator = ENGLISH) -> str:
    via = via_labels(tr)
    owner, coauthor = tr._("owner"), tr._("co-author")
    width = max(len(owner), len(coauthor)) + 2  # the handles line up in every language
    out = []
    for page in pages:
        out.append(page.path)
        if page.owner is None:
            nobody = tr._("(nobody)")
            out.append(f"  {owner:<{width}}{nobody}")
        else:
            out.append(
                f"  {owner:<{width}}{page.owner.handle.text:<28} {page.owner.source}  ({via[page.owner_via]})"
            )
        for person in page.coauthors:
            out.append(f"  {coauthor:<{width}}{person.handle.text:<28} {person.source}")
    return "\n".join(out)


STATE_COLOUR = {"due_soon": "yellow", "due": "red", "overdue": "red"}


def state_labels(tr: Translator) -> dict[str, str]:
    return {"due_soon": tr._("due soon"), "due": tr._("due"), "overdue": tr._("OVERDUE")}


def stale_table(rows: Sequence[PageStatus], as_of: date, tr: Translator = ENGLISH) -> str:
    """A readable table of pages needing review (colours only reach a terminal)."""
    if not rows:
        return tr._("nothing is due for review as of {day}", day=as_of.isoformat())
    # One message for the whole header: its "due" (a date) is not the state "due".
    header = tuple(tr._("state|due|overdue|page|owner|co-authors").split("|"))
    labels = state_labels(tr)
    table = [header] + [
        (
            labels[r.freshness.state],
            r.freshness.due.isoformat() if r.freshness.due else "",
            tr._("{n} d", n=r.freshness.days_overdue) if r.freshness.days_overdue else "",
            r.page.path,
            r.page.owner.handle.text if r.page.owner else tr._("(nobody)"),
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
        tr._(
            "{overdue} overdue, {due} due, {soon} due soon as of {day}",
            overdue=counts["overdue"],
            due=counts["due"],
            soon=counts["due_soon"],
            day=as_of.isoformat(),
        )
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


def review_text(plan: ReviewPlan, tr: Translator = ENGLISH) -> str:
    if not plan.pages:
        return tr._("this change touches no knowledge base pages: nobody to ask")
    lines = [tr.ngettext("{n} page touched:", "{n} pages touched:", len(plan.pages))]
    changes = {
        "added": tr._("added"),
        "modified": tr._("modified"),
        "deleted": tr._("deleted"),
        "ownership": tr._("ownership"),
    }
    for p in plan.pages:
        if p.old_path:
            change = tr._("renamed from {path}", path=p.old_path)
        else:
            change = changes.get(p.change, p.change)
        people = tr._("owner {who}", who=p.owner.text if p.owner else tr._("(nobody)"))
        if p.coauthors:
            people += tr._(", co-authors {who}", who=", ".join(_handles(p.coauthors)))
        if p.previous_owner:
            who = p.previous_owner.text
            people += tr._("; ownership changes, so {who} must approve", who=who)
        lines.append(f"  {p.path} ({change}): {people}")
    ask = ", ".join(h.text for h in plan.request) or tr._("nobody new")
    lines.append(tr._("would ask: {who}", who=ask))
    lines += [
        tr._("left out: {who} ({why})", who=s.handle.text, why=skip_reason(s.reason, tr))
        for s in plan.skipped
    ]
    return "\n".join(lines)


def skip_reason(reason: str, tr: Translator) -> str:
    """Why a reviewer was left out (``kennis.review`` says it in English)."""
    limit = re.fullmatch(r"over the limit of (\d+) reviewers", reason)
    if limit:
        n = int(limit.group(1))
        return tr.ngettext("over the limit of {n} reviewer", "over the limit of {n} reviewers", n)
    known = {
        "wrote this pull request": tr._("wrote this pull request"),
        "is a bot": tr._("is a bot"),
        "was removed from this pull request": tr._("was removed from this pull request"),
    }
    return known.get(reason, reason)


def said(error: KennisError, tr: Translator) -> str:
    """A core error's problems in *tr*'s language, one a line."""
    return "\n".join(problem.said(tr) for problem in error.problems)


def history_written(history: HistoryIndex, out: Path, language: str) -> str:
    """What ``kennis index --out`` says when the manifest is written."""
    # In English this loads no Babel (kennis.i18n; tests/test_cli_language.py)
    return translator(language).ngettext(
        "wrote the history of {n} page at {head} to {out}",
        "wrote the history of {n} pages at {head} to {out}",
        len(history.pages),
        head=history.head[:12],
        out=out,
    )
