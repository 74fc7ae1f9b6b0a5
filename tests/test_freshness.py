"""Freshness states as of a date, including month-end edges and the first-commit fallback.

Properties over time and the calendar's ends are in tests/test_freshness_calendar.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kennis.freshness import Freshness, assess
from kennis.intervals import NEVER, parse_interval

D = date.fromisoformat
SIX_MONTHS = parse_interval("6 months")
THIRTY_DAYS = parse_interval("30 days")

# (id, reviewed, first_commit, review_every, due_soon, as_of, state, due, days_overdue, basis)
CASES = [
    (
        "fresh-day-after-review",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2025-03-02",
        "fresh",
        "2025-09-01",
        0,
        "reviewed",
    ),
    (
        "fresh-day-before-window",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2025-08-01",
        "fresh",
        "2025-09-01",
        0,
        "reviewed",
    ),
    (
        "due-soon-first-day-of-window",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2025-08-02",
        "due_soon",
        "2025-09-01",
        0,
        "reviewed",
    ),
    (
        "due-soon-day-before-due",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2025-08-31",
        "due_soon",
        "2025-09-01",
        0,
        "reviewed",
    ),
    (
        "due-on-due-date",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2025-09-01",
        "due",
        "2025-09-01",
        0,
        "reviewed",
    ),
    (
        "due-day-before-overdue",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2026-02-28",
        "due",
        "2025-09-01",
        180,
        "reviewed",
    ),
    (
        "overdue-one-interval-past-due",
        "2025-03-01",
        None,
        "6 months",
        "30 days",
        "2026-03-01",
        "overdue",
        "2025-09-01",
        181,
        "reviewed",
    ),
    (
        "reviewed-beats-first-commit",
        "2025-03-01",
        "2020-01-01",
        "1 year",
        "30 days",
        "2025-06-01",
        "fresh",
        "2026-03-01",
        0,
        "reviewed",
    ),
    (
        "no-reviewed-uses-first-commit",
        None,
        "2024-01-15",
        "1 year",
        "30 days",
        "2025-01-20",
        "due",
        "2025-01-15",
        5,
        "first_commit",
    ),
    (
        "month-end-clamps-in-february",
        "2025-08-31",
        None,
        "6 months",
        "30 days",
        "2026-02-28",
        "due",
        "2026-02-28",
        0,
        "reviewed",
    ),
    (
        "month-end-overdue-from-clamped-due",
        "2025-08-31",
        None,
        "6 months",
        "30 days",
        "2026-08-28",
        "overdue",
        "2026-02-28",
        181,
        "reviewed",
    ),
    (
        "month-end-not-yet-overdue",
        "2025-08-31",
        None,
        "6 months",
        "30 days",
        "2026-08-27",
        "due",
        "2026-02-28",
        180,
        "reviewed",
    ),
    (
        "leap-day-plus-one-year",
        "2024-02-29",
        None,
        "1 year",
        "1 month",
        "2025-01-28",
        "due_soon",
        "2025-02-28",
        0,
        "reviewed",
    ),
    (
        "window-in-months-clamps",
        "2025-09-30",
        None,
        "6 months",
        "1 month",
        "2026-02-28",
        "due_soon",
        "2026-03-30",
        0,
        "reviewed",
    ),
    (
        "window-in-months-day-before",
        "2025-09-30",
        None,
        "6 months",
        "1 month",
        "2026-02-27",
        "fresh",
        "2026-03-30",
        0,
        "reviewed",
    ),
    (
        "weeks-interval",
        "2025-01-01",
        None,
        "2 weeks",
        "3 days",
        "2025-01-12",
        "due_soon",
        "2025-01-15",
        0,
        "reviewed",
    ),
    (
        "window-longer-than-interval",
        "2025-01-01",
        None,
        "7 days",
        "30 days",
        "2025-01-01",
        "due_soon",
        "2025-01-08",
        0,
        "reviewed",
    ),
    (
        "no-window",
        "2025-01-01",
        None,
        "7 days",
        "never",
        "2025-01-07",
        "fresh",
        "2025-01-08",
        0,
        "reviewed",
    ),
    (
        "evergreen-ignores-age",
        "2001-01-01",
        None,
        "never",
        "30 days",
        "2025-01-01",
        "evergreen",
        None,
        0,
        "reviewed",
    ),
    (
        "evergreen-without-any-date",
        None,
        None,
        "never",
        "30 days",
        "2025-01-01",
        "evergreen",
        None,
        0,
        "none",
    ),
    (
        "uncommitted-new-page-is-fresh",
        None,
        None,
        "6 months",
        "30 days",
        "2025-01-31",
        "fresh",
        "2025-07-31",
        0,
        "none",
    ),
]


@pytest.mark.parametrize(
    ("reviewed", "first_commit", "every", "window", "as_of", "state", "due", "overdue", "basis"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_state_as_of_date(
    reviewed, first_commit, every, window, as_of, state, due, overdue, basis
) -> None:
    result = assess(
        D(reviewed) if reviewed else None,
        D(first_commit) if first_commit else None,
        parse_interval(every),
        parse_interval(window),
        D(as_of),
    )
    assert (result.state, result.due, result.days_overdue, result.basis) == (
        state,
        D(due) if due else None,
        overdue,
        basis,
    )


def test_since_is_the_basis_date() -> None:
    assert assess(None, D("2024-05-05"), SIX_MONTHS, THIRTY_DAYS, D("2024-06-01")).since == D(
        "2024-05-05"
    )
    assert assess(None, None, SIX_MONTHS, THIRTY_DAYS, D("2024-06-01")).since is None


def test_commit_datetime_is_taken_by_its_day() -> None:
    created = datetime(2024, 1, 15, 23, 30, tzinfo=UTC)
    result = assess(None, created, parse_interval("1 year"), THIRTY_DAYS, D("2025-01-15"))
    assert (result.state, result.due) == ("due", D("2025-01-15"))


def test_stale_list_order_puts_most_overdue_first() -> None:
    def verdict(reviewed: str) -> Freshness:
        return assess(D(reviewed), None, SIX_MONTHS, THIRTY_DAYS, D("2026-06-01"))

    verdicts = {
        name: verdict(day)
        for name, day in [
            ("a", "2025-12-20"),
            ("b", "2025-01-01"),
            ("c", "2025-11-15"),
            ("d", "2025-06-01"),
            ("e", "2026-05-01"),
        ]
    }
    ordered = sorted(
        (n for n, f in verdicts.items() if f.needs_review),
        key=lambda n: verdicts[n].urgency,
        reverse=True,
    )
    assert ordered == ["b", "d", "c", "a"]
    assert verdicts["e"].state == "fresh"


def test_json_is_plain_and_stable() -> None:
    result = assess(None, D("2024-01-15"), parse_interval("1 year"), THIRTY_DAYS, D("2025-01-20"))
    assert result.to_json() == {
        "state": "due",
        "due": "2025-01-15",
        "since": "2024-01-15",
        "days_overdue": 5,
        "basis": "first_commit",
    }
    assert assess(None, None, NEVER, THIRTY_DAYS, D("2025-01-01")).to_json()["due"] is None
