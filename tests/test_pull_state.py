"""The pull-request state tables' contract, for both backends (the ledger's SQLite file and a
real PostgreSQL server): people who left or were refused, fixes offered once; replicas on one
PostgreSQL database share them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from review_bot.context import DeliveryContext
from review_bot.ledger_pg import PostgresLedger
from review_bot.settings import Settings
from review_bot.state import PullTables, SQLitePullState, pull_state
from review_bot.state_pg import PostgresPullState

Opener = Callable[[], PullTables]


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the state of one database, as a restarted process or another replica does."""
    ledgers: list[PostgresLedger] = []
    if request.param == "sqlite":

        def open_state() -> PullTables:
            return SQLitePullState(tmp_path / "ledger.sqlite3")

    else:
        url = request.getfixturevalue("postgres_url")

        def open_state() -> PullTables:
            ledgers.append(PostgresLedger(url))
            return PostgresPullState(ledgers[-1])

    yield open_state
    for ledger in ledgers:
        ledger.close()


def test_people_are_remembered_by_handle_key_per_pull_request_and_kind(opener: Opener) -> None:
    state = opener()
    state.remember("Acme/KB", 7, "@Ann", "removed")
    state.remember("acme/kb", 7, "@acme/Writers", "refused", "not a collaborator")
    state.remember("acme/kb", 7, "@acme/writers", "refused", "GitHub refused")  # updated
    state.remember("acme/kb", 8, "@bo", "removed")
    again = opener()  # survives a restart
    assert again.people("acme/kb", 7, "removed") == {"@ann": ""}
    assert again.people("ACME/kb", 7, "refused") == {"@acme/writers": "GitHub refused"}
    again.forget("acme/kb", 7, "@ANN", "removed")
    assert state.people("acme/kb", 7, "removed") == {}
    assert state.people("acme/kb", 8, "removed") == {"@bo": ""}


def test_fixes_are_offered_once(opener: Opener) -> None:
    state = opener()
    assert state.offered("acme/kb", 7) == set()
    state.offer("Acme/KB", 7, ["a.md:3:title", "a.md:9:owner"], "c1")
    state.offer("acme/kb", 7, ["a.md:3:title"], "c2")  # offered before: kept once
    state.offer("acme/kb", 7, [], "c3")
    assert opener().offered("acme/kb", 7) == {"a.md:3:title", "a.md:9:owner"}
    assert state.offered("acme/kb", 8) == set()


def test_two_replicas_on_one_postgresql_share_the_state(postgres_url: str) -> None:
    one, two = PostgresLedger(postgres_url), PostgresLedger(postgres_url)
    try:
        settings = Settings(webhook_secret=b"", database_url=postgres_url)
        first, second = (
            pull_state(
                DeliveryContext(
                    delivery_id=f"d{n}",
                    event="pull_request",
                    payload={},
                    attempt=1,
                    app=None,
                    mirrors_root=None,
                    settings=settings,
                    ledger=ledger,
                )
            )
            for n, ledger in enumerate((one, two))
        )
        assert isinstance(first, PostgresPullState) and isinstance(second, PostgresPullState)
        first.remember("acme/kb", 7, "@ann", "removed")
        first.offer("acme/kb", 7, ["a.md:3:title"], "c1")
        assert second.people("acme/kb", 7, "removed") == {"@ann": ""}
        assert second.offered("acme/kb", 7) == {"a.md:3:title"}
    finally:
        one.close()
        two.close()
