"""The keyed-locks helper: one lock per key, shared by everyone asking for that key."""

from __future__ import annotations

import threading

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
