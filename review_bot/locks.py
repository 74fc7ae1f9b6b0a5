"""One lock per key (a pull request, a branch, a file), made on first use and shared after."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
Exclusive = Callable[[str], AbstractContextManager[None]]


class _Replicas:
    """How locks reach other replicas: the shared ledger's ``exclusive`` (set by ``serve``)."""

    exclusive: Exclusive | None = None


REPLICAS = _Replicas()


def share_across_replicas(exclusive: Exclusive | None) -> None:
    """Make every `KeyedLocks` with a shared name also hold that lock across replicas."""
    REPLICAS.exclusive = exclusive


class KeyedLocks(Generic[K]):
    """A registry of ``threading.Lock`` objects by key: ``with locks.hold(key): ...``.

    One App process owns a data directory (a lock file refuses a second server), so locks in
    this process keep its workers from acting on the same thing at once; replicas sharing a
    PostgreSQL ledger also take a shared advisory lock for keys that have a shared name. Locks
    are never removed: there is one per pull request or branch the process has touched.
    """

    def __init__(self, shared: Callable[[K], str] | None = None) -> None:
        self._locks: dict[K, threading.Lock] = {}
        self._guard = threading.Lock()
        # Work that must not run twice at once anywhere (several replicas on one PostgreSQL
        # ledger): *shared* names the advisory lock a key also takes there.
        self._shared = shared

    def get(self, key: K) -> threading.Lock:
        """The lock of *key* (the same object for equal keys)."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def hold(self, key: K) -> Iterator[None]:
        """Hold the lock of *key* (and, across replicas, its shared lock) for the ``with`` block."""
        exclusive = REPLICAS.exclusive
        with self.get(key):
            if self._shared is None or exclusive is None:
                shared: AbstractContextManager[None] = nullcontext()
            else:
                shared = exclusive(self._shared(key))
            with shared:
                yield
