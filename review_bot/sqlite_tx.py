"""One writer at a time per SQLite file: a shared in-process lock around short write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from review_bot.locks import KeyedLocks

_WRITE_LOCKS: KeyedLocks[Path] = KeyedLocks()


def write_lock(path: Path) -> threading.Lock:
    """The one in-process writer lock of a database file, shared by everyone writing to it."""
    return _WRITE_LOCKS.get(Path(path).resolve())


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A short write transaction on its own connection, under the file's shared writer lock."""
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        # These small state tables share the ledger's file and writer lock: commit like the ledger
        # (WAL, NORMAL: no fsync per commit) and leave checkpoints to the ledger's owner, so an
        # acknowledgement waiting for the lock never waits for a disk flush made on its behalf.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
        with Transaction(db, write_lock(path)) as tx:
            yield tx
    finally:
        db.close()


class Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error), holding the writer lock."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self.db = db
        self.lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read on its own connection, without the writer lock (WAL readers never wait for it)."""
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        yield db
    finally:
        db.close()
