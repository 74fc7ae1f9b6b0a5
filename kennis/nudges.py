"""Nudges: one reminder per period for a knowledge pull request waiting for its owners' approval.

A period is ``review_nudge_after`` working days (Monday to Friday) from the day the pull request
opened. After the first period the pending owners are reminded; after each later one the
co-authors are asked too. At most one nudge per period (a hidden marker names it); drafts and
pull requests where an owner asked for changes are left alone. Pure: the App lists the pull
requests, this decides, the App comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .handles import Handle
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .markdown import inline_code

_MARKER = re.compile(r"<!-- kennis:nudge period=(\d{1,4}) -->")
MARKER = "<!-- kennis:nudge period={period} -->"


@dataclass(frozen=True)
class Waiting:
    """An open knowledge pull request and who it waits for."""

    number: int
    opened: date
    owners: tuple[Handle, ...]  # owners whose approval is pending
    coauthors: tuple[Handle, ...]  # co-authors of those pages (asked after a second period)
    pages: tuple[str, ...]
    draft: bool = False
    changes_requested: bool = False  # by an owner or co-author: the author has work to do
    nudged: frozenset[int] = frozenset()  # periods already nudged (markers on the PR)


@dataclass(frozen=True)
class Nudge:
    number: int
    period: int
    body: str


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    days = weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=i)).weekday() < 5:
            days += 1
    return days


def plan_nudges(
    waiting: Iterable[Waiting], as_of: date, after: int, tr: Translator | None = None
) -> list[Nudge]:
    """The nudges due as of ``as_of``: the current period's, unless already given."""
    tr = tr or translator(SOURCE_LANGUAGE)
    result = []
    for pr in waiting:
        if pr.draft or pr.changes_requested or not pr.owners:
            continue
        days = working_days(pr.opened, as_of)
        period = days // after
        if period < 1 or period in pr.nudged:
            continue
        pages = ", ".join(inline_code(p) for p in pr.pages)
        text = tr.ngettext(
            "{mentions}, this pull request has been waiting {n} working day for your approval "
            "as the owner of {pages}. Could you review it, or say what it needs?",
            "{mentions}, this pull request has been waiting {n} working days for your approval "
            "as the owner of {pages}. Could you review it, or say what it needs?",
            days,
            mentions=_mentions(pr.owners),
            pages=pages,
        )
        extra = [h for h in pr.coauthors if h not in pr.owners]
        if period >= 2 and extra:
            text += "\n\n" + tr.ngettext(
                "{mentions}, this pull request has been waiting {n} working day for an approval "
                "of {pages}. As a co-author you can approve it too.",
                "{mentions}, this pull request has been waiting {n} working days for an "
                "approval of {pages}. As a co-author you can approve it too.",
                days,
                mentions=_mentions(extra),
                pages=pages,
            )
        result.append(Nudge(pr.number, period, MARKER.format(period=period) + "\n" + text))
    return result


def nudged_periods(bodies: Iterable[str]) -> frozenset[int]:
    """Periods named by nudge markers in a pull request's comments."""
    return frozenset(int(m[1]) for body in bodies for m in _MARKER.finditer(body))


def _mentions(handles: Iterable[Handle]) -> str:
    return ", ".join(dict.fromkeys(h.text for h in handles))
