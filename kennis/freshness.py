"""Freshness of a page as of a date: evergreen, fresh, due soon, due or overdue (DESIGN ★).

``due = basis + review_every`` where the basis is the ``reviewed`` date, else the later of the
page's first commit date and the adoption date (``adopted:`` in ``.github/kennis.yml``, written by
``kennis init``: a repository adopted today has no wall of overdue pages). As of a date D the page is

- ``evergreen`` when ``review_every`` is ``never``;
- ``overdue``   when D ≥ due + review_every;
- ``due``       when D ≥ due;
- ``due_soon``  when D ≥ due − due_soon;
- ``fresh``     otherwise.

Month arithmetic clamps to the end of shorter months (2025-08-31 + 6 months = 2026-02-28), and
``due + review_every`` is computed from that clamped due date, as the rule says.

A page with neither ``reviewed`` nor a commit (new, not yet committed) is ``fresh`` with basis
``"none"``: it is judged as if written on the as-of date, so its ``due`` is as_of + review_every
and ``since`` is None. A ``due_soon`` of ``never`` means no warning window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from kennis.intervals import Interval, OutOfRange
from kennis.texts import N_

State = Literal["evergreen", "fresh", "due_soon", "due", "overdue"]
Basis = Literal["reviewed", "first_commit", "adopted", "none"]

#: States from least to most urgent; ``kennis stale`` lists the last three.
STATES: tuple[State, ...] = ("evergreen", "fresh", "due_soon", "due", "overdue")
NEEDS_REVIEW: frozenset[State] = frozenset({"due_soon", "due", "overdue"})


@dataclass(frozen=True)
class Freshness:
    """The verdict for one page; ``days_overdue`` counts days since ``due`` (0 before it)."""

    state: State
    due: date | None
    since: date | None
    days_overdue: int
    basis: Basis

    @property
    def needs_review(self) -> bool:
        return self.state in NEEDS_REVIEW

    @property
    def urgency(self) -> tuple[int, int]:
        """Sort key, most urgent last: by state, then by days overdue (reverse for a stale list)."""
        return (STATES.index(self.state), self.days_overdue)

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "due": self.due.isoformat() if self.due else None,
            "since": self.since.isoformat() if self.since else None,
            "days_overdue": self.days_overdue,
            "basis": self.basis,
        }


def assess(
    reviewed: date | None,
    first_commit: date | None,
    review_every: Interval,
    due_soon: Interval,
    as_of: date,
    adopted: date | None = None,
) -> Freshness:
    """Judge a page as of ``as_of`` from ``reviewed``, else its first commit or ``adopted``."""
    since, basis = _basis(reviewed, first_commit, adopted)
    if review_every.never:
        return Freshness("evergreen", None, since, 0, basis)
    if since is None:
        return Freshness("fresh", _later(review_every, as_of), None, 0, "none")
    due = _later(review_every, since)
    days_overdue = max(0, (as_of - due).days)
    warn_from = due if due_soon.never else _earlier(due_soon, due)
    state: State
    if as_of >= _later(review_every, due):
        state = "overdue"
    elif as_of >= due:
        state = "due"
    elif as_of >= warn_from:
        state = "due_soon"
    else:
        state = "fresh"
    return Freshness(state, due, since, days_overdue, basis)


def due_date_problem(reviewed: date, review_every: Interval, due_soon: Interval) -> str | None:
    """Why the dates of a page reviewed on ``reviewed`` cannot be computed, or None when they can.

    ``kennis check`` reports this; `assess` itself never fails on such a page (see `_later`).
    """
    if review_every.never:
        return None
    try:
        due = review_every.after(reviewed)
        review_every.after(due)  # the day the page turns overdue
        if not due_soon.never:
            due_soon.before(due)
    except OutOfRange as exc:
        return N_("the due date cannot be computed: {error}", error=exc)
    return None


# A page's values are input: past the calendar's ends a date stays at the end instead of raising,
# so a build, the stale list or the bot never crash on them (`kennis check` reports the page).
def _later(interval: Interval, day: date) -> date:
    try:
        return interval.after(day)
    except OutOfRange:
        return date.max


def _earlier(interval: Interval, day: date) -> date:
    try:
        return interval.before(day)
    except OutOfRange:
        return date.min


def _basis(
    reviewed: date | None, first_commit: date | None, adopted: date | None = None
) -> tuple[date | None, Basis]:
    # A datetime is a date too, but comparing it with a plain date raises: keep only the day.
    if isinstance(reviewed, datetime):
        reviewed = reviewed.date()
    if isinstance(first_commit, datetime):
        first_commit = first_commit.date()
    if reviewed is not None:
        return reviewed, "reviewed"
    if first_commit is not None and adopted is not None and adopted > first_commit:
        return adopted, "adopted"
    if first_commit is not None:
        return first_commit, "first_commit"
    return None, "none"
