"""Page statuses: one home for "how fresh is this page", for every page or a chosen few."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kennis.history import Credit, HistoryIndex, PageHistory, Person
from kennis.intervals import parse_interval
from kennis.kb import load_kb
from kennis.status import assess_pages, confirmations_on_time
from kennis.tree import MemoryTree
from tests.kbfiles import page

AS_OF = date(2026, 3, 1)
FILES = {
    ".github/kennis.yml": b"review_every: 6 months\ndue_soon: 30 days\n",
    "content/a.md": page(title="A", owner='"@alice"', reviewed="2026-01-01").encode(),
    "content/b.md": page(title="B", owner='"@alice"', reviewed="2025-01-10").encode(),
    "content/undated.md": page(title="Undated", owner='"@alice"').encode(),
}
KB = load_kb(MemoryTree(FILES))
ALICE = Person("Alice", "alice@example.com")
CREATED = datetime(2025, 1, 2, 10, tzinfo=UTC)
INDEX = HistoryIndex(
    head="abc",
    pages={
        "content/undated.md": PageHistory(
            "content/undated.md", CREATED, CREATED, ALICE, (ALICE,), (), 1
        )
    },
)


def test_every_page_in_path_order() -> None:
    found = assess_pages(KB, INDEX, AS_OF)
    assert [s.page.path for s in found] == ["content/a.md", "content/b.md", "content/undated.md"]
    assert [s.freshness.state for s in found] == ["fresh", "overdue", "overdue"]


def test_chosen_paths_in_the_order_given_and_unknown_paths_left_out() -> None:
    found = assess_pages(
        KB, INDEX, AS_OF, paths=["content/b.md", "content/gone.md", "content/a.md"]
    )
    assert [s.page.path for s in found] == ["content/b.md", "content/a.md"]


def test_history_read_lazily_only_for_a_page_without_reviewed() -> None:
    calls: list[int] = []

    def history() -> HistoryIndex:
        calls.append(1)
        return INDEX

    reviewed = assess_pages(KB, history, AS_OF, paths=["content/a.md", "content/b.md"])
    assert calls == [] and all(s.history is None for s in reviewed)
    undated = assess_pages(KB, history, AS_OF, paths=["content/undated.md", "content/a.md"])
    assert calls == [1]
    assert undated[0].freshness.due == date(2025, 7, 2)  # first commit + 6 months


def test_without_history_an_undated_page_is_dated_by_nothing() -> None:
    (found,) = assess_pages(KB, None, AS_OF, paths=["content/undated.md"])
    assert found.history is None and found.freshness.basis == "none"


def _confirmed(created: str, credits: list[tuple[str, str]]) -> PageHistory:
    start = datetime.fromisoformat(f"{created}T09:00:00+00:00")
    done = tuple(
        Credit(kind, ALICE, datetime.fromisoformat(f"{day}T15:00:00+00:00"))
        for kind, day in reversed(credits)  # the index keeps credits newest first
    )
    return PageHistory("content/a.md", start, start, ALICE, (ALICE,), (), 1, credits=done)


@pytest.mark.parametrize(
    ("created", "every", "adopted", "credits", "on_time"),
    [
        ("2025-01-02", "6 months", None, [("confirmed", "2025-07-01")], [True]),
        ("2025-01-02", "6 months", None, [("confirmed", "2025-07-03")], [False]),
        ("2025-01-02", "6 months", None, [("confirmed", "2025-07-02")], [True]),
        (
            "2025-01-02",
            "6 months",
            None,
            [("confirmed", "2025-05-01"), ("confirmed", "2025-10-31")],
            [True, True],
        ),
        (
            "2025-01-02",
            "6 months",
            None,
            [("confirmed", "2025-05-01"), ("confirmed", "2025-11-02")],
            [True, False],
        ),
        ("2014-12-08", "12 months", "2026-06-15", [("confirmed", "2027-06-14")], [True]),
        ("2014-12-08", "12 months", "2026-06-15", [("confirmed", "2027-06-16")], [False]),
        (
            "2025-01-02",
            "6 months",
            None,
            [("confirmed", "2025-08-31"), ("confirmed", "2026-02-27")],
            [False, True],
        ),
        (
            "2025-01-02",
            "6 months",
            None,
            [("confirmed", "2025-08-31"), ("confirmed", "2026-03-01")],
            [False, False],
        ),
        (
            "2025-01-02",
            "6 months",
            None,
            [("confirmed", "2025-05-01"), ("snoozed", "2025-10-20"), ("confirmed", "2025-11-02")],
            [True, False],
        ),
        ("2025-01-02", "never", None, [("confirmed", "2030-01-01")], [True]),
    ],
    ids=[
        "day-before-due",
        "day-after-due",
        "on-the-due-date",
        "from-previous-confirmation-day-before",
        "from-previous-confirmation-day-after",
        "adopted-day-before-due",
        "adopted-day-after-due",
        "month-end-clamped-day-before",
        "month-end-clamped-day-after",
        "a-snooze-does-not-move-the-due-date",
        "evergreen",
    ],
)
def test_a_confirmation_is_on_time_by_the_due_date_the_page_had(
    created: str,
    every: str,
    adopted: str | None,
    credits: list[tuple[str, str]],
    on_time: list[bool],
) -> None:
    history = _confirmed(created, credits)
    found = confirmations_on_time(
        history, parse_interval(every), date.fromisoformat(adopted) if adopted else None
    )
    assert [verdict for _credit, verdict in found] == on_time
    assert [c.when.date().isoformat() for c, _ in found] == [
        day for kind, day in credits if kind == "confirmed"
    ]
