"""One lock per key (a pull request, a branch, a file), made on first use and shared after."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class KeyedLocks(Generic[K]):
    """A registry of ``threading.Lock`` objects by key: ``with locks.hold(key): ...``.

    One App process owns a data directory (a lock file refuses a second server), so locks in
    this process are enough to keep two workers from acting on the same thing at once. Locks
    are never removed: there is one per pull request or branch the process has touched.
    """

    def __init__(self) -> None:
        self._locks: dict[K, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: K) -> threading.Lock:
        """The lock of *key* (the same object for equal keys)."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    @contextmanager
    def hold(self, key: K) -> Iterator[None]:
        """Hold the lock of *key* for the ``with`` block."""
        with self.get(key):
            yield
