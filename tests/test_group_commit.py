"""Acknowledgements arriving together are stored together: `GroupCommit` batches rows, keeps each
caller's answer (new or already known) and loses nothing when a write fails; every write to the
ledger's file waits for its one writer lock."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import cast

import pytest

from kennis.feedback import Report
from review_bot.feedback_store import SQLiteFeedbackStore
from review_bot.ledger_sqlite import SQLiteLedger
from review_bot.public import new_id
from review_bot.sqlite_tx import GroupCommit, _Queued, write_lock

CALLERS = 20


def test_callers_arriving_while_one_writes_go_in_one_statement() -> None:
    batches: list[list[str]] = []
    everyone_queued = threading.Event()
    group: GroupCommit[str]

    def write(rows: list[str]) -> set[str]:
        if not batches:  # the first caller writes alone while the others queue behind it
            everyone_queued.wait(10)
        batches.append(rows)
        return set(rows)

    group = GroupCommit(threading.Lock(), write, key=lambda row: row)
    answers: dict[str, bool] = {}

    def call(row: str) -> None:
        answers[row] = group.add(row)

    first = threading.Thread(target=call, args=("row-0",))
    first.start()
    while not group._committing:
        time.sleep(0.001)
    others = [threading.Thread(target=call, args=(f"row-{n}",)) for n in range(1, CALLERS)]
    for thread in others:
        thread.start()
    while len(group._queue) < CALLERS - 1:
        time.sleep(0.001)
    everyone_queued.set()
    for thread in [first, *others]:
        thread.join(10)
    assert [len(batch) for batch in batches] == [1, CALLERS - 1]
    assert answers == {f"row-{n}": True for n in range(CALLERS)}


def test_a_key_twice_in_one_batch_is_new_once() -> None:
    group: GroupCommit[tuple[str, int]] = GroupCommit(
        threading.Lock(), lambda rows: {key for key, _ in rows}, key=lambda row: row[0]
    )
    earlier = _Queued(("same", 1))
    group._queue.append(earlier)  # queued by a caller still waiting for the committer
    assert group.add(("same", 2)) is False
    assert (earlier.done, earlier.new) == (True, True)


def test_a_failed_write_fails_every_caller_in_it_and_the_next_write_works() -> None:
    failures = [RuntimeError("disk full")]

    def write(rows: list[str]) -> set[str]:
        if failures:
            raise failures.pop()
        return set(rows)

    group: GroupCommit[str] = GroupCommit(threading.Lock(), write, key=lambda row: row)
    with pytest.raises(RuntimeError, match="disk full"):
        group.add("a")
    assert group.add("a") is True
    assert not group._committing


def test_the_ledger_tells_new_deliveries_from_redeliveries_when_recorded_together(
    tmp_path: Path,
) -> None:
    ledger = SQLiteLedger(tmp_path / "ledger.sqlite3")
    start = threading.Barrier(CALLERS)
    answers: list[bool] = []

    def record(n: int) -> None:
        start.wait()
        answers.append(ledger.record(f"d-{n % 10}", "push", b"{}", {}))
        ledger.close()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(answers) == [False] * 10 + [True] * 10
    assert ledger.counts()["queued"] == 10


def test_a_report_is_stored_under_the_ledgers_writer_lock(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    SQLiteLedger(path)
    store = SQLiteFeedbackStore(path)
    stored = threading.Event()
    report = Report("feedback-1", "content/faq.md", "outdated", date(2026, 12, 3), "", None, False)

    def add() -> None:
        store.add("acme/kb", report)
        stored.set()

    with write_lock(path):  # an acknowledgement holding the lock is never raced by SQLite
        threading.Thread(target=add, daemon=True).start()
        assert not stored.wait(0.2)
    assert stored.wait(10)


def test_report_ids_are_unique_without_a_system_call_each() -> None:
    ids = [new_id("feedback") for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("feedback-") for i in ids)


def test_one_caller_commits_at_a_time_whoever_answered_the_others() -> None:
    active, most = [0], [0]

    def write(rows: list[str]) -> set[str]:
        active[0] += 1
        most[0] = max(most[0], active[0])
        time.sleep(0.001)
        active[0] -= 1
        return set(rows)

    # No writer lock at all: only the group's own hand-over keeps writes apart here.
    group: GroupCommit[str] = GroupCommit(cast(threading.Lock, nullcontext()), write, str)

    def call(n: int) -> None:
        for k in range(20):
            assert group.add(f"{n}-{k}") is True

    threads = [threading.Thread(target=call, args=(n,)) for n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most[0] == 1
    assert not group._committing and not group._queue


def test_a_bad_row_fails_its_own_caller_not_the_others_in_its_batch() -> None:
    everyone_queued = threading.Event()
    batches: list[list[str]] = []

    def write(rows: list[str]) -> set[str]:
        if not batches:
            everyone_queued.wait(10)
        batches.append(rows)
        if "bad" in rows:
            raise ValueError("cannot store this one")
        return set(rows)

    group: GroupCommit[str] = GroupCommit(threading.Lock(), write, key=str)
    answers: dict[str, object] = {}

    def call(row: str) -> None:
        try:
            answers[row] = group.add(row)
        except ValueError as exc:
            answers[row] = exc

    first = threading.Thread(target=call, args=("first",))
    first.start()
    while not group._committing:
        time.sleep(0.001)
    others = [threading.Thread(target=call, args=(row,)) for row in ("a", "bad", "b")]
    for thread in others:
        thread.start()
    while len(group._queue) < 3:
        time.sleep(0.001)
    everyone_queued.set()
    for thread in [first, *others]:
        thread.join(10)
    assert answers["first"] is True and answers["a"] is True and answers["b"] is True
    assert isinstance(answers["bad"], ValueError)
    assert batches[1] == ["a", "bad", "b"]  # tried together first, then one by one
