"""The feedback tables' contract, for both backends (the ledger's SQLite file and a real
PostgreSQL server): a report is counted once, comments are posted once, clearing settles; and
replicas on one PostgreSQL database share one page's reports and issue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kennis.feedback import Report
from review_bot.context import DeliveryContext
from review_bot.feedback_store import FeedbackTables, SQLiteFeedbackStore, feedback_store
from review_bot.ledger_pg import PostgresLedger
from review_bot.settings import Settings
from review_bot.state_pg import PostgresFeedbackStore

PAGE = "content/ops/faq.md"
Opener = Callable[[], FeedbackTables]


def report(n: int, comment: str = "", by_owner: bool = False) -> Report:
    return Report(f"feedback-{n}", PAGE, "outdated", date(2026, 12, 3), comment, None, by_owner)


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the store of one database, as a restarted process or another replica does."""
    ledgers: list[PostgresLedger] = []
    if request.param == "sqlite":

        def open_store() -> FeedbackTables:
            return SQLiteFeedbackStore(tmp_path / "ledger.sqlite3")

    else:
        url = request.getfixturevalue("postgres_url")

        def open_store() -> FeedbackTables:
            ledgers.append(PostgresLedger(url))
            return PostgresFeedbackStore(ledgers[-1])

    yield open_store
    for ledger in ledgers:
        ledger.close()


def test_a_redelivered_report_is_counted_once(opener: Opener) -> None:
    store = opener()
    assert store.add("Acme/KB", report(1))
    assert not store.add("acme/kb", report(1))
    assert [r.id for r in store.open_reports("acme/kb", PAGE)] == ["feedback-1"]


def test_a_report_comes_back_as_it_was_stored(opener: Opener) -> None:
    store = opener()
    sent = Report("feedback-9", PAGE, "wrong", date(2026, 12, 1), "Step 3?", "@ann", True)
    store.add("acme/kb", sent)
    assert store.open_reports("acme/kb", PAGE) == [sent]


def test_comments_are_posted_once_and_clearing_settles_everything(opener: Opener) -> None:
    store = opener()
    store.add("acme/kb", report(1, "first"), now=1.0)
    store.add("acme/kb", report(2), now=2.0)
    store.add("acme/kb", report(3, "third"), now=3.0)
    assert [r.comment for r in store.unposted("acme/kb", PAGE)] == ["first", "third"]
    store.mark_posted(["feedback-1"])
    assert [r.comment for r in store.unposted("acme/kb", PAGE)] == ["third"]
    assert store.pages_with_reports("acme/kb") == [PAGE]
    assert store.pages_with_reports("acme/other") == []
    assert store.clear("acme/kb", PAGE) == 3
    assert store.clear("acme/kb", PAGE) == 0
    assert store.open_reports("acme/kb", PAGE) == []
    assert store.pages_with_reports("acme/kb") == []


def test_page_state_remembers_the_last_write(opener: Opener) -> None:
    store = opener()
    assert store.page_state("acme/kb", PAGE).issue is None
    store.wrote("acme/kb", PAGE, 7, "hash", now=100.0)
    store.wrote("acme/kb", PAGE, 7, "hash2", now=150.0)
    again = opener()  # survives a restart
    state = again.page_state("ACME/kb", PAGE)
    assert (state.issue, state.last_write, state.written) == (7, 150.0, "hash2")


def test_two_replicas_on_one_postgresql_see_each_others_reports(postgres_url: str) -> None:
    """One page, one set of reports and one issue, whichever replica took the delivery."""
    one, two = PostgresLedger(postgres_url), PostgresLedger(postgres_url)
    try:
        settings = Settings(webhook_secret=b"", database_url=postgres_url)
        stores = [
            feedback_store(
                DeliveryContext(
                    delivery_id=f"d{n}",
                    event="kennis_feedback",
                    payload={},
                    attempt=1,
                    app=None,
                    mirrors_root=None,
                    settings=settings,
                    ledger=ledger,
                )
            )
            for n, ledger in enumerate((one, two))
        ]
        assert all(isinstance(store, PostgresFeedbackStore) for store in stores)
        first, second = stores
        first.add("acme/kb", report(1, "from the first replica"), now=1.0)
        assert second.add("acme/kb", report(2, "from the second"), now=2.0)
        assert not second.add("acme/kb", report(1))  # a redelivery to the other replica
        assert [r.id for r in second.open_reports("acme/kb", PAGE)] == ["feedback-1", "feedback-2"]
        second.wrote("acme/kb", PAGE, 12, "tally")
        assert first.page_state("acme/kb", PAGE).issue == 12  # no second issue for the page
        first.mark_posted(["feedback-1", "feedback-2"])
        assert second.unposted("acme/kb", PAGE) == []
        assert second.clear("acme/kb", PAGE) == 2
        assert first.pages_with_reports("acme/kb") == []
    finally:
        one.close()
        two.close()


def test_without_a_database_url_the_store_is_the_ledgers_sqlite_file(tmp_path: Path) -> None:
    ctx = DeliveryContext(
        delivery_id="d1",
        event="kennis_feedback",
        payload={},
        attempt=1,
        app=None,
        mirrors_root=None,
        ledger_path=tmp_path / "ledger.sqlite3",
    )
    store = feedback_store(ctx)
    assert isinstance(store, SQLiteFeedbackStore) and store.path == tmp_path / "ledger.sqlite3"
