"""The Knowledge health page's long lists in full, as ``health.csv`` beside the page.

The page shows the first ``list_limit`` pages of each list and counts the rest: on a base of
10,000 pages, listing every overdue and never-reviewed page made a 4.5 MB page (issue 19).
"""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterable

from ..render import Link
from ..reports import PageRef
from .report import Health, OwnerGroup

HEADER = (
    "list",
    "path",
    "title",
    "owner",
    "due",
    "days_overdue",
    "note",
)  # owner: login or org/team
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run a cell starting so


def csv_uri(page: str) -> str:
    """``knowledge/health.md`` → ``knowledge/health.csv``."""
    return posixpath.splitext(page)[0] + ".csv"


def shown_groups(groups: list[OwnerGroup], limit: int) -> list[OwnerGroup]:
    """The owner groups cut to ``limit`` overdue pages in all (0: every one), most overdue first."""
    if not limit:
        return groups
    shown, left = [], limit
    for group in groups:
        if left <= 0:
            break
        shown.append(OwnerGroup(group.owner, group.pages[:left], total=len(group.pages)))
        left -= len(shown[-1].pages)
    return shown


def health_csv(health: Health) -> str:
    """Every page of every list on the health page, one row each (UTF-8, comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_rows(health))
    return out.getvalue()


def _rows(health: Health) -> Iterable[tuple[object, ...]]:
    # Only what people wrote (paths, titles, handles, days) can start like a formula: the list
    # names are ours and an ISO date starts with a digit. A page on several lists is made safe
    # once (10,000 pages: a row for most of them).
    safe: dict[str, tuple[str, str, str]] = {}

    def page(ref: PageRef) -> tuple[str, str, str]:
        found = safe.get(ref.path)
        if found is None:
            found = safe[ref.path] = (_cell(ref.path), _cell(ref.title), _cell(_owner(ref.owner)))
        return found

    for ref in health.attention:
        yield ("attention", *page(ref), "", "", "")
    for group in health.overdue:
        for ref in group.pages:
            due = ref.due.isoformat() if ref.due else ""
            yield ("overdue", *page(ref), due, _cell(ref.days_overdue), "")
    for ref in health.fallback:
        yield ("no_real_owner", *page(ref), "", "", "")
    for ref in health.never_reviewed:
        due = ref.due.isoformat() if ref.due else ""
        yield ("never_reviewed", *page(ref), due, "", "")
    for ref, why in health.owner_risks:
        yield ("owner_at_risk", *page(ref), "", "", _cell(why))


def _owner(link: Link | None) -> str:
    """``alice`` or ``acme/kitchen``: without the ``@`` a spreadsheet would read as a formula."""
    return link.text.removeprefix("@") if link is not None else ""


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text
