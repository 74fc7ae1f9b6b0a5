"""One writer at a time per SQLite file: a shared in-process lock around short write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from review_bot.locks import KeyedLocks

Row = TypeVar("Row")
MAX_GROUP = 100  # rows in one statement (SQLite allows 32,766 parameters; a delivery takes 9)

_WRITE_LOCKS: KeyedLocks[Path] = KeyedLocks()
# A path as given → the file it names (resolved once, not on every write).
_RESOLVED: dict[Path, Path] = {}


def write_lock(path: Path) -> threading.Lock:
    """The one in-process writer lock of a database file, shared by everyone writing to it."""
    given = Path(path)
    resolved = _RESOLVED.get(given)
    if resolved is None:
        resolved = _RESOLVED.setdefault(given, given.resolve())
    return _WRITE_LOCKS.get(resolved)


@contextmanager
def transaction(path: Path, *, single: bool = False) -> Iterator[sqlite3.Connection]:
    """A short write transaction on its own connection, under the file's shared writer lock.

    ``single=True``: one write statement, committed on its own (`one_at_a_time`).
    """
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        # These small state tables share the ledger's file and writer lock: commit like the ledger
        # (WAL, NORMAL: no fsync per commit) and leave checkpoints to the ledger's owner, so an
        # acknowledgement waiting for the lock never waits for a disk flush made on its behalf.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
        lock = write_lock(path)
        with one_at_a_time(db, lock) if single else Transaction(db, lock) as tx:
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
def one_at_a_time(db: sqlite3.Connection, lock: threading.Lock) -> Iterator[sqlite3.Connection]:
    """Write statements under the writer lock, each committed on its own (*db* autocommits).

    For a single statement this is what ``BEGIN IMMEDIATE`` … ``COMMIT`` gives, in one SQLite
    call instead of three; each call hands the interpreter lock away and waits to get it back
    while holding the writer lock, which is what an acknowledgement then waits for.
    """
    with lock:
        yield db


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read on its own connection, without the writer lock (WAL readers never wait for it)."""
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        yield db
    finally:
        db.close()


class GroupCommit(Generic[Row]):
    """Rows written by many threads at once go into the database together, a few statements in all.

    Each caller queues its row. The first one finding nobody committing becomes the committer: it
    writes the queue (``MAX_GROUP`` rows a statement, under the file's writer lock) until its own
    row is in, then hands over to a caller still waiting. In a burst of requests one statement
    carries many rows, where one transaction each made every request wait its turn for the lock
    and, after each SQLite call, for the interpreter lock (a convoy: the tail grew with the burst).
    *write* stores a batch in one statement and returns the keys it added (``RETURNING``).
    """

    def __init__(
        self,
        lock: threading.Lock,
        write: Callable[[list[Row]], set[str]],
        key: Callable[[Row], str],
    ) -> None:
        self.lock = lock
        self.write = write
        self.key = key
        self._cond = threading.Condition()
        self._queue: list[_Queued[Row]] = []
        self._committing = False

    def add(self, row: Row) -> bool:
        """Store *row*; True when it was new (False: its key was already there)."""
        mine = _Queued(row)
        with self._cond:
            self._queue.append(mine)
            while not mine.done and self._committing:
                self._cond.wait()
            committer = not mine.done
            if committer:
                self._committing = True
        if committer:  # only the committer hands over: the others' rows are in, or one commits next
            try:
                while not mine.done:
                    with self._cond:
                        batch = self._queue[:MAX_GROUP]
                        del self._queue[:MAX_GROUP]
                    if not batch:  # cannot happen while every taken row is answered: never spin
                        mine.error, mine.done = RuntimeError("a queued row was lost"), True
                        break
                    self._commit(batch)
                    if not mine.done:
                        with self._cond:
                            self._cond.notify_all()  # this batch's callers answer meanwhile
            finally:
                with self._cond:
                    self._committing = False
                    self._cond.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.new

    def _commit(self, batch: list[_Queued[Row]]) -> None:
        try:
            try:
                with self.lock:
                    added = self.write([queued.row for queued in batch])
            except Exception:
                if len(batch) == 1:
                    raise
                for queued in batch:  # one bad row fails its own caller, not the whole batch
                    self._commit([queued])
                return
            for queued in batch:
                key = self.key(queued.row)
                queued.new, queued.done = key in added, True
                added.discard(key)  # a key twice in one batch: only the first is new
        except BaseException as exc:  # every caller left in the batch sees it, none waits on
            for queued in batch:
                if not queued.done:
                    queued.error, queued.done = exc, True
            if not isinstance(exc, Exception):
                raise  # an interrupt still ends this thread, once the others are answered


@dataclass(eq=False)
class _Queued(Generic[Row]):
    row: Row
    done: bool = False
    new: bool = False
    error: BaseException | None = None
