"""Page statuses: one home for "how fresh is this page", for every page or a chosen few."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kennis.history import HistoryIndex, PageHistory, Person
from kennis.kb import load_kb
from kennis.status import assess_pages
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
