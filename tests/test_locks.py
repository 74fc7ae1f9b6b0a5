"""The keyed-locks helper: one lock per key, shared by everyone asking for that key."""

from __future__ import annotations

import threading
import time

from review_bot.locks import KeyedLocks


def test_equal_keys_share_one_lock_and_other_keys_do_not_wait() -> None:
    locks: KeyedLocks[tuple[str, int]] = KeyedLocks()
    assert locks.get(("acme/kb", 7)) is locks.get(("acme/kb", 7))
    assert locks.get(("acme/kb", 7)) is not locks.get(("acme/kb", 8))
    with locks.hold(("acme/kb", 7)):
        assert locks.get(("acme/kb", 7)).locked()
        assert not locks.get(("acme/kb", 8)).locked()
    assert not locks.get(("acme/kb", 7)).locked()


def test_holders_of_one_key_run_one_at_a_time() -> None:
    locks: KeyedLocks[str] = KeyedLocks()
    inside: list[int] = []
    overlaps: list[int] = []

    def work() -> None:
        for _ in range(200):
            with locks.hold("branch"):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_a_shared_name_also_holds_the_lock_across_replicas(postgres_url: str) -> None:
    """Two KeyedLocks registries stand for two replicas: only the advisory lock keeps them apart."""
    from review_bot.ledger_pg import PostgresLedger
    from review_bot.locks import share_across_replicas

    ledger = PostgresLedger(postgres_url)
    replicas = [KeyedLocks[str](lambda repo: f"scan:{repo}") for _ in range(2)]
    inside: list[int] = []
    overlaps: list[int] = []

    def work(locks: KeyedLocks[str]) -> None:
        for _ in range(5):
            with locks.hold("acme/kb"):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                time.sleep(0.01)
                inside.pop()

    share_across_replicas(ledger.exclusive)
    try:
        threads = [threading.Thread(target=work, args=(locks,)) for locks in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        share_across_replicas(None)
    assert overlaps == []
