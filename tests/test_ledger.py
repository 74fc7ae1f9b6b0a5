"""The delivery ledger's contract, for both backends (SQLite and a real PostgreSQL server):
idempotent recording, leases, retries, dead letters, redelivery requests, exclusive locks; and
what only the single-process SQLite ledger does (WAL on disk, recovery at start)."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from review_bot.ledger import DeliveryLedger, Ledger, backoff
from review_bot.ledger_pg import PostgresLedger

T0 = 1_800_000_000.0


def record(ledger: DeliveryLedger, delivery: str, now: float = T0, **payload: object) -> bool:
    body = {
        "action": "opened",
        "installation": {"id": 42},
        "repository": {"full_name": "acme/kb"},
        **payload,
    }
    return ledger.record(delivery, "pull_request", json.dumps(body).encode(), body, now=now)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DeliveryLedger]:
    """The same contract, on each backend."""
    if request.param == "sqlite":
        made: DeliveryLedger = Ledger(tmp_path / "ledger.sqlite3")
    else:
        made = PostgresLedger(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3")


def test_a_redelivery_is_a_no_op(ledger: DeliveryLedger) -> None:
    assert record(ledger, "d1", marker="first") is True
    assert record(ledger, "d1", now=T0 + 5, marker="second") is False
    claim = ledger.claim(60, now=T0 + 10)
    assert claim is not None and claim.payload["marker"] == "first"
    assert ledger.claim(60, now=T0 + 10) is None
    row = ledger.get("d1")
    assert row is not None
    assert (row.event, row.action, row.installation_id, row.repo) == (
        "pull_request",
        "opened",
        42,
        "acme/kb",
    )


def test_the_ledger_is_a_wal_database_on_disk(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    record(sqlite_ledger, "d1")
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT id, state FROM deliveries").fetchall() == [("d1", "queued")]


def test_claims_go_oldest_first_and_leases_expire(ledger: DeliveryLedger) -> None:
    record(ledger, "later", now=T0 + 1)
    record(ledger, "earlier", now=T0)
    first = ledger.claim(60, now=T0 + 2)
    second = ledger.claim(60, now=T0 + 2)
    assert first is not None and second is not None
    assert (first.id, second.id) == ("earlier", "later")
    assert ledger.claim(60, now=T0 + 30) is None, "leases still held"
    taken_over = ledger.claim(60, now=T0 + 63)
    assert taken_over is not None and taken_over.id == "earlier"
    assert taken_over.delivery.attempts == 2
    ledger.finish(first, now=T0 + 64)  # the stale worker's late answer is ignored
    row = ledger.get("earlier")
    assert row is not None and row.state == "running"
    ledger.finish(taken_over, now=T0 + 65)
    row = ledger.get("earlier")
    assert row is not None and row.state == "done"


def test_failures_back_off_exponentially_then_go_dead(ledger: DeliveryLedger) -> None:
    record(ledger, "d1")
    now, waits = T0, []
    for attempt in range(1, 5):
        claim = ledger.claim(60, now=now)
        assert claim is not None and claim.delivery.attempts == attempt
        state = ledger.fail(claim, f"boom {attempt}", max_attempts=4, base=10, now=now)
        row = ledger.get("d1")
        assert row is not None and row.state == state and row.last_error == f"boom {attempt}"
        if state == "retry":
            assert ledger.claim(60, now=row.next_attempt_at - 0.01) is None, "not before backoff"
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert state == "dead"
    for wait, expected in zip(waits, [10, 20, 40], strict=True):
        assert expected <= wait <= expected * 1.25
    assert ledger.claim(60, now=now + 10_000) is None, "dead deliveries are not retried"
    assert [d.id for d in ledger.recent("dead")] == ["d1"]


def test_postponed_rate_limits_do_not_spend_attempts(ledger: DeliveryLedger) -> None:
    record(ledger, "d1")
    claim = ledger.claim(60, now=T0)
    assert claim is not None
    ledger.postpone(claim, T0 + 120, "rate limited", now=T0)
    assert ledger.claim(60, now=T0 + 119) is None
    again = ledger.claim(60, now=T0 + 120)
    assert again is not None and again.delivery.attempts == 1


def test_recover_requeues_running_rows_and_buries_repeat_crashers(sqlite_ledger: Ledger) -> None:
    ledger = sqlite_ledger
    record(ledger, "interrupted")
    record(ledger, "crashes-every-time", now=T0 + 1)
    ledger.claim(600, now=T0 + 2)
    for _ in range(3):
        ledger.recover(max_attempts=3, now=T0 + 3)
        ledger.claim(600, now=T0 + 3)
        ledger.claim(600, now=T0 + 3)
    ledger.recover(max_attempts=3, now=T0 + 4)
    states = {d.id: (d.state, d.attempts) for d in ledger.recent()}
    assert states == {"interrupted": ("dead", 3), "crashes-every-time": ("dead", 3)}


def test_recover_makes_interrupted_work_due_immediately(sqlite_ledger: Ledger) -> None:
    ledger = sqlite_ledger
    record(ledger, "d1")
    ledger.claim(600, now=T0)
    assert ledger.recover(max_attempts=5, now=T0 + 1) == 1
    claim = ledger.claim(600, now=T0 + 1)
    assert claim is not None and claim.id == "d1"


@pytest.mark.parametrize(
    ("final_state", "requeued"),
    [("dead", True), ("done", False), ("queued", False)],
    ids=["dead-is-requeued", "done-is-not", "queued-is-not"],
)
def test_requeue(ledger: DeliveryLedger, final_state: str, requeued: bool) -> None:
    record(ledger, "d1")
    if final_state != "queued":
        claim = ledger.claim(60, now=T0)
        assert claim is not None
        if final_state == "dead":
            ledger.fail(claim, "boom", max_attempts=1, base=1, now=T0)
        else:
            ledger.finish(claim, now=T0)
    result = ledger.requeue("d1", now=T0 + 1)
    assert (result is not None) is requeued
    row = ledger.get("d1")
    assert row is not None
    assert row.state == ("queued" if requeued else final_state)
    if requeued:
        assert row.attempts == 0


def test_concurrent_workers_claim_each_delivery_once(ledger: DeliveryLedger) -> None:
    for n in range(200):
        record(ledger, f"d{n:03d}", now=time.time() - 100 + n / 1000)
    claimed: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        while (claim := ledger.claim(600)) is not None:
            with lock:
                claimed.append(claim.id)
            ledger.finish(claim)
        ledger.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == [f"d{n:03d}" for n in range(200)]
    assert ledger.counts()["done"] == 200


@pytest.mark.parametrize(
    ("attempt", "low", "high"),
    [(1, 30, 37.5), (2, 60, 75), (5, 480, 600), (20, 3600, 3600)],
    ids=["first", "second", "fifth", "capped"],
)
def test_backoff_grows_and_is_capped(attempt: int, low: float, high: float) -> None:
    rng = random.Random(7)
    assert all(low <= backoff(attempt, 30, rng) <= high for _ in range(50))


def test_a_renewed_lease_is_not_taken_over(ledger: DeliveryLedger) -> None:
    record(ledger, "slow")
    claim = ledger.claim(60, now=T0)
    assert claim is not None
    assert ledger.renew(claim, 60, now=T0 + 50) is True
    assert ledger.claim(60, now=T0 + 70) is None, "still leased after renewal"
    taken = ledger.claim(60, now=T0 + 111)
    assert taken is not None and taken.id == "slow"
    assert ledger.renew(claim, 60, now=T0 + 112) is False, "the old worker lost it"


def test_worker_keeps_the_lease_while_a_slow_handler_runs(tmp_path: Path) -> None:
    from review_bot.routing import Router
    from review_bot.worker import WorkerPool

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    router = Router()
    stolen: list[object] = []

    @router.on("pull_request")
    def slow(ctx: object) -> None:
        time.sleep(0.5)  # five lease lengths: without renewal another worker would take it
        stolen.append(Ledger(tmp_path / "ledger.sqlite3").claim(0.1))

    record(ledger, "build", now=time.time())
    pool = WorkerPool(ledger, router, workers=0, mirrors_root=tmp_path / "m", lease_seconds=0.1)
    assert pool.run_once() is True
    assert stolen == [None]
    row = ledger.get("build")
    assert row is not None and (row.state, row.attempts) == ("done", 1)


def test_old_finished_deliveries_are_pruned_but_dead_ones_stay(ledger: DeliveryLedger) -> None:
    for name in ("old-done", "old-dead", "new-done"):
        record(ledger, name, now=T0)
    for name, at in (("old-done", T0), ("old-dead", T0), ("new-done", T0 + 40 * 86400)):
        claim = ledger.claim(60, now=at)
        assert claim is not None
        if name == "old-dead":
            ledger.fail(claim, "boom", max_attempts=1, base=1, now=at)
        else:
            ledger.finish(claim, now=at)
    assert ledger.prune(30 * 86400, now=T0 + 41 * 86400) == 1
    assert ledger.get("old-done") is None
    assert ledger.get("old-dead") is not None and ledger.get("new-done") is not None
    assert record(ledger, "new-done", now=T0 + 41 * 86400) is False  # still a no-op redelivery


def test_the_idle_worker_prunes_old_deliveries(tmp_path: Path) -> None:
    from review_bot.routing import Router
    from review_bot.worker import WorkerPool

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    record(ledger, "done-long-ago", now=T0)
    claim = ledger.claim(60, now=T0)
    assert claim is not None
    ledger.finish(claim, now=T0)
    pool = WorkerPool(ledger, Router(), workers=0, mirrors_root=tmp_path, keep_seconds=86400)
    record(ledger, "done-later", now=T0 + 2 * 86400)
    pool.prune_if_due(now=T0 + 2 * 86400)
    assert ledger.get("done-long-ago") is None and ledger.get("done-later") is not None


def test_workers_give_way_to_acknowledgements_but_never_starve(tmp_path: Path) -> None:
    from review_bot.routing import Router
    from review_bot.worker import GIVE_WAY, WorkerPool

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    record(ledger, "d1", now=time.time())
    checks: list[float] = []

    def busy() -> bool:  # a webhook is always being acknowledged
        checks.append(time.monotonic())
        return True

    pool = WorkerPool(ledger, Router(), workers=0, mirrors_root=tmp_path, busy=busy)
    started = time.monotonic()
    assert pool.run_once() is True  # processed anyway once it has waited long enough
    assert time.monotonic() - started >= GIVE_WAY
    assert len(checks) > 5
    row = ledger.get("d1")
    assert row is not None and row.state == "done"


def test_redelivery_requests_are_remembered_once(ledger: DeliveryLedger) -> None:
    record(ledger, "in-ledger")
    assert ledger.mark_redelivery("lost", 7001, now=T0) is True
    assert ledger.mark_redelivery("lost", 7002, now=T0 + 1) is False  # never asked twice
    assert ledger.known(["in-ledger", "lost", "never-seen"]) == {"in-ledger", "lost"}
    assert ledger.recovered(["in-ledger", "lost"]) == {"lost"}
    ledger.forget_redelivery("lost")
    assert ledger.known(["lost"]) == set()


def test_exclusive_work_runs_one_at_a_time(ledger: DeliveryLedger) -> None:
    inside, most = [0], [0]
    guard = threading.Lock()

    def work() -> None:
        for _ in range(5):
            with ledger.exclusive("acme/kb:scan"):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.005)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
