"""The feedback tables: a report is counted once, comments are posted once, clearing settles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kennis.feedback import Report
from review_bot.feedback_store import FeedbackStore

PAGE = "content/ops/faq.md"


def report(n: int, comment: str = "") -> Report:
    return Report(f"feedback-{n}", PAGE, "outdated", date(2026, 12, 3), comment)


def test_a_redelivered_report_is_counted_once(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "ledger.sqlite3")
    assert store.add("Acme/KB", report(1))
    assert not store.add("acme/kb", report(1))
    assert [r.id for r in store.open_reports("acme/kb", PAGE)] == ["feedback-1"]


def test_comments_are_posted_once_and_clearing_settles_everything(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "ledger.sqlite3")
    store.add("acme/kb", report(1, "first"), now=1.0)
    store.add("acme/kb", report(2), now=2.0)
    store.add("acme/kb", report(3, "third"), now=3.0)
    assert [r.comment for r in store.unposted("acme/kb", PAGE)] == ["first", "third"]
    store.mark_posted(["feedback-1"])
    assert [r.comment for r in store.unposted("acme/kb", PAGE)] == ["third"]
    assert store.pages_with_reports("acme/kb") == [PAGE]
    assert store.clear("acme/kb", PAGE) == 3
    assert store.open_reports("acme/kb", PAGE) == []
    assert store.pages_with_reports("acme/kb") == []


def test_page_state_remembers_the_last_write(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "ledger.sqlite3")
    assert store.page_state("acme/kb", PAGE).issue is None
    store.wrote("acme/kb", PAGE, 7, "hash", now=100.0)
    again = FeedbackStore(tmp_path / "ledger.sqlite3")  # survives a restart
    state = again.page_state("ACME/kb", PAGE)
    assert (state.issue, state.last_write, state.written) == (7, 100.0, "hash")
