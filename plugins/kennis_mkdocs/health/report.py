"""The numbers on the Knowledge health page, computed from the pages' freshness as of a day."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kennis.freshness import STATES
from kennis.i18n import Translator
from kennis.risk import LoneSection, lone_sections, owners_at_risk
from kennis.status import PageStatus

from ..context import SiteContext
from ..feedback.source import load_reports
from ..reports import NOT_CONTENT, PageRef, page_ref, section_of, section_title
from ..requests_source import load_requests


@dataclass(frozen=True)
class Row:
    """Page counts per freshness state for the whole base or one section."""

    key: str
    title: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, state: str) -> int:
        """Whole percent of pages in ``state`` (0 for an empty section)."""
        return round(100 * self.counts.get(state, 0) / self.total) if self.total else 0


@dataclass
class ReaderRow:
    """Readers' votes and open reports for the whole base or one section."""

    helpful: int = 0
    votes: int = 0
    reports: int = 0

    @property
    def share(self) -> int | None:
        """Whole percent of 👍 among votes (None without votes)."""
        return round(100 * self.helpful / self.votes) if self.votes else None


@dataclass(frozen=True)
class OwnerGroup:
    """One owner's overdue pages, most overdue first (``total``: before the page cut the list)."""

    owner: str
    pages: list[PageRef]
    total: int = -1

    @property
    def count(self) -> int:
        return self.total if self.total >= 0 else len(self.pages)


@dataclass
class Health:
    """Everything the ``kennis/health.md`` template shows."""

    rows: list[Row] = field(default_factory=list)
    overdue: list[OwnerGroup] = field(default_factory=list)
    fallback: list[PageRef] = field(default_factory=list)
    never_reviewed: list[PageRef] = field(default_factory=list)
    owner_risks: list[tuple[PageRef, str]] = field(default_factory=list)  # (page, why)
    lone: list[tuple[str, LoneSection]] = field(default_factory=list)  # (section title, …)
    states: tuple[str, ...] = STATES
    # Knowledge requests per month: (YYYY-MM, opened, fulfilled); None when not known here.
    requests: list[tuple[str, int, int]] | None = None
    # Reader feedback per section key: helpful votes, all votes, open reports (None: not known).
    feedback: dict[str, ReaderRow] | None = None
    attention: list[PageRef] = field(default_factory=list)  # reported outdated or mostly 👎
    limit: int = 0  # how many pages each list shows on the page (0: all); the CSV has every one

    def shown(self, items: list[Any]) -> list[Any]:
        """The first ``limit`` items of a list, as the page shows them."""
        return items[: self.limit] if self.limit else items

    def hidden(self, items: list[Any]) -> int:
        """How many items of a list the page leaves to the CSV."""
        return max(0, len(items) - self.limit) if self.limit else 0

    @property
    def overdue_total(self) -> int:
        return sum(len(group.pages) for group in self.overdue)


def health(
    context: SiteContext,
    files: Files,
    report: File,
    tr: Translator,
    members: list[str] | None = None,
) -> Health:
    """One pass over the pages: each page's section and reference made once, for every list."""
    statuses = [s for s in context.statuses.values() if s.page.status not in NOT_CONTENT]
    overall: Counter[str] = Counter()
    by_section: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, list[PageRef]] = defaultdict(list)
    sections: dict[str, str] = {}
    refs: dict[str, PageRef] = {}
    result = Health()
    for status in statuses:
        path, state = status.page.path, status.freshness.state
        overall[state] += 1
        section = sections[path] = section_of(context, path)
        by_section[section][state] += 1
        ref = refs[path] = page_ref(status, context, files, report)
        if state == "overdue":
            groups[ref.owner.text if ref.owner else tr._("(no owner)")].append(ref)
        if status.page.owner_via in ("fallback", "none"):
            result.fallback.append(ref)
        if status.page.reviewed is None:
            result.never_reviewed.append(ref)
    result.rows.append(Row("", tr._("All pages"), dict(overall)))
    for section in sorted(by_section):
        title = section_title(context, section, tr)
        result.rows.append(Row(section, title, dict(by_section[section])))
    for group in groups.values():
        group.sort(key=lambda r: (-r.days_overdue, r.path))
    ordered = sorted(groups.items(), key=lambda item: (-item[1][0].days_overdue, item[0]))
    result.overdue = [OwnerGroup(owner, group) for owner, group in ordered]
    _at_risk(result, context, statuses, refs, sections, members, tr)
    known = load_requests()
    if known is not None:
        from kennis.requests import per_month  # loaded only when known: see requests_source

        result.requests = per_month(known)
    reader_feedback(result, context, statuses, refs, sections)
    return result


def reader_feedback(
    result: Health,
    context: SiteContext,
    statuses: list[PageStatus],
    refs: dict[str, PageRef],
    sections: dict[str, str],
) -> None:
    """Helpful share and open reports per section; the pages that need attention."""
    reports = load_reports()
    if not reports:
        return
    threshold = context.kb.config.outdated_reports
    rows: dict[str, ReaderRow] = defaultdict(ReaderRow)
    for status in statuses:
        found = reports.get(status.page.path)
        if not isinstance(found, dict):
            continue
        helpful, votes = _count(found.get("helpful")), _count(found.get("votes"))
        outdated = _count(found.get("outdated"))
        for key in ("", sections[status.page.path]):
            row = rows[key]
            row.helpful, row.votes, row.reports = (
                row.helpful + helpful,
                row.votes + votes,
                row.reports + outdated,
            )
        reported = found.get("reported") or found.get("by_owner") or outdated >= threshold
        if reported or (votes >= 5 and helpful * 2 < votes):
            result.attention.append(refs[status.page.path])
    result.feedback = dict(rows)


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _at_risk(
    result: Health,
    context: SiteContext,
    statuses: list[PageStatus],
    refs: dict[str, PageRef],
    sections: dict[str, str],
    members: list[str] | None,
    tr: Translator,
) -> None:
    """Knowledge at risk: owners gone quiet or gone, sections one person wrote alone."""
    pages = [s.page for s in statuses]
    for risk in owners_at_risk(pages, context.index, context.as_of, members):
        if risk.quiet_since is None:
            why = tr._("no longer a member of the repository")
        else:
            why = tr._("has not contributed since {day}", day=risk.quiet_since.isoformat())
        result.owner_risks.append((refs[risk.path], why))
    for lone in lone_sections(pages, context.index, sections.__getitem__):
        result.lone.append((section_title(context, lone.section, tr), lone))


def read_members(root: Path, name: str | None) -> list[str] | None:
    """Logins from a members file (one per line, ``#`` comments); None without one.

    Without the ``members`` option, the file the App hands its own builds (``KENNIS_MEMBERS``).
    """
    name = name or os.environ.get("KENNIS_MEMBERS", "").strip() or None
    if not name:
        return None
    try:
        text = (root / name).read_text(encoding="utf-8")
    except OSError as error:
        raise PluginError(f"kennis: members file {name}: {error.strerror or error}") from None
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]
