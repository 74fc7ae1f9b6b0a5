"""Freshness over time and at the calendar's ends: it only gets worse, never raises, names the step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kennis.freshness import assess, due_date_problem
from kennis.intervals import NEVER, parse_interval

D = date.fromisoformat


@given(
    reviewed=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    every=st.sampled_from(["1 day", "2 weeks", "1 month", "6 months", "1 year", "3 years"]),
    window=st.sampled_from(["1 day", "30 days", "1 month", "never"]),
    offsets=st.lists(st.integers(min_value=-400, max_value=2500), min_size=2, max_size=6),
)
def test_state_only_ever_gets_worse_as_time_passes(reviewed, every, window, offsets) -> None:
    order = ["fresh", "due_soon", "due", "overdue"]
    days = sorted(reviewed + timedelta(days=n) for n in offsets)
    states = [
        assess(reviewed, None, parse_interval(every), parse_interval(window), day).state
        for day in days
    ]
    assert [order.index(s) for s in states] == sorted(order.index(s) for s in states)


INTERVALS = st.builds(
    lambda n, unit: parse_interval(f"{n} {unit}"),
    st.integers(min_value=1, max_value=100),
    st.sampled_from(["days", "weeks", "months", "years"]),
)


@given(
    reviewed=st.one_of(st.none(), st.dates()),
    created=st.one_of(st.none(), st.dates()),
    every=INTERVALS,
    window=st.one_of(st.just(NEVER), INTERVALS),
    as_of=st.dates(),
)
def test_any_dates_give_a_verdict_never_an_error(reviewed, created, every, window, as_of) -> None:
    """A page's values are input: 9999-12-31 or 0001-01-01 must not crash a build or the bot."""
    result = assess(reviewed, created, every, window, as_of)
    assert result.due is not None and result.days_overdue >= 0


@pytest.mark.parametrize(
    ("reviewed", "every", "window", "problem"),
    [
        ("9999-12-31", "6 months", "30 days", "6 months after 9999-12-31 is outside the calendar"),
        ("9999-06-30", "6 months", "30 days", "6 months after 9999-12-30 is outside the calendar"),
        ("0001-01-01", "1 day", "30 days", "30 days before 0001-01-02 is outside the calendar"),
        ("0001-01-01", "6 months", "30 days", None),
        ("0001-01-01", "1 day", "never", None),
        ("9999-12-31", "never", "30 days", None),
        ("2026-03-01", "100 years", "100 years", None),
    ],
    ids=[
        "future",
        "overdue-day-past-end",
        "window-before-start",
        "ok-old",
        "no-window",
        "evergreen",
        "long",
    ],
)
def test_due_date_problem_names_the_step_that_leaves_the_calendar(
    reviewed, every, window, problem
) -> None:
    found = due_date_problem(D(reviewed), parse_interval(every), parse_interval(window))
    assert found is None if problem is None else problem in (found or "")
