"""The SQLite ledger (WAL): the default, for one replica, in ``KENNIS_DATA_DIR``."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from review_bot.ledger_model import (
    COLUMNS,
    ERROR_LIMIT,
    STATES,
    Claim,
    Delivery,
    backoff,
    decode_payload,
    field_of,
)
from review_bot.locks import KeyedLocks
from review_bot.sqlite_tx import GroupCommit, Transaction, one_at_a_time, write_lock

_EXCLUSIVE: KeyedLocks[str] = KeyedLocks()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id              TEXT PRIMARY KEY,
    event           TEXT NOT NULL,
    action          TEXT,
    installation_id INTEGER,
    repo            TEXT,
    payload         BLOB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'done', 'retry', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    lease_until     REAL,
    last_error      TEXT,
    received_at     REAL NOT NULL,
    updated_at      REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_recent ON deliveries (received_at);
CREATE TABLE IF NOT EXISTS redeliveries (
    guid         TEXT PRIMARY KEY,
    hook_id      INTEGER NOT NULL,
    requested_at REAL NOT NULL
);
"""


class SQLiteLedger:
    """The SQLite ledger; safe to share between threads (one connection per thread)."""

    def __init__(
        self, path: Path, *, synchronous: str = "NORMAL", autocheckpoint: bool = True
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Private by default: payloads describe private repositories. SQLite creates the -wal
        # and -shm files with the database file's mode, so a 0600 ledger keeps all three private.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        # WAL + NORMAL survives a killed process (every commit is in the WAL before the 202);
        # FULL also survives power loss, at the cost of an fsync per delivery.
        self._synchronous = "FULL" if synchronous.upper() == "FULL" else "NORMAL"
        # Without autocheckpoint, whoever owns the ledger calls `checkpoint()` when idle, so
        # copying the WAL back never lands on a webhook request.
        self._autocheckpoint = autocheckpoint
        self._local = threading.local()
        # One writer at a time inside the process: a Python lock hands over at once, where
        # SQLite's busy handler would sleep in steps of up to 100 ms (the webhook's tail latency).
        self._write_lock = write_lock(self.path)
        # Acknowledgements arriving together are stored together (`GroupCommit`).
        self._recording = GroupCommit(self._write_lock, self._insert, lambda row: row[0])
        self._db().executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            db.execute("PRAGMA busy_timeout=30000")
            if not self._autocheckpoint:
                db.execute("PRAGMA wal_autocheckpoint=0")
            self._local.db = db
        return db

    def _tx(self) -> Transaction:
        return Transaction(self._db(), self._write_lock)

    def _one(self) -> AbstractContextManager[sqlite3.Connection]:
        """Statements each committed on its own (autocommit), under the writer lock."""
        return one_at_a_time(self._db(), self._write_lock)

    def checkpoint(self) -> None:
        """Copy committed WAL pages into the database file (without blocking writers)."""
        self._db().execute("PRAGMA wal_checkpoint(PASSIVE)")

    def prune(self, keep_seconds: float, now: float | None = None) -> int:
        """Forget finished deliveries older than ``keep_seconds`` (dead ones stay visible).

        GitHub lets a delivery be redelivered for a few days, so keeping done rows for weeks keeps
        redeliveries no-ops while the ledger (payloads up to 25 MB each) stays bounded.
        """
        now = time.time() if now is None else now
        with self._tx() as db:
            cursor = db.execute(
                "DELETE FROM deliveries WHERE state = 'done' AND updated_at < ?",
                (now - keep_seconds,),
            )
        return cursor.rowcount

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def record(
        self,
        delivery_id: str,
        event: str,
        payload_raw: bytes,
        payload: dict[str, Any],
        now: float | None = None,
    ) -> bool:
        """Store a new delivery as ``queued``; False (and no change) if the id is already known."""
        now = time.time() if now is None else now
        # Only values of the expected type become columns: a signed body may still hold an object
        # where GitHub sends a number, and the worker's shape check settles such a delivery.
        action = field_of(payload, str, "action")
        installation_id = field_of(payload, int, "installation", "id")
        if installation_id is not None and not -(2**63) <= installation_id < 2**63:
            installation_id = None
        repo = field_of(payload, str, "repository", "full_name")
        row = (delivery_id, event, action, installation_id, repo, payload_raw, now, now, now)
        return self._recording.add(row)

    def _insert(self, rows: list[tuple[Any, ...]]) -> set[str]:
        """Store deliveries in one statement (SQLite autocommits it); the ids that were new."""
        added = self._db().execute(
            "INSERT OR IGNORE INTO deliveries (id, event, action, installation_id, repo,"
            " payload, next_attempt_at, received_at, updated_at) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
            + " RETURNING id",
            [value for row in rows for value in row],
        )
        return {delivery_id for (delivery_id,) in added.fetchall()}

    def claim(
        self, lease_seconds: float, now: float | None = None, *, max_attempts: int | None = None
    ) -> Claim | None:
        """Lease the next due delivery to the caller (expired leases are taken over).

        Nothing loops: a delivery whose lease ran out on its last allowed attempt (its worker hung
        or died) and one whose stored payload does not decode are settled ``dead`` with the reason
        instead of being handed out again.
        """
        now = time.time() if now is None else now
        while True:
            # Two statements, each committed on its own, under the writer lock (no BEGIN/COMMIT
            # around them: every SQLite call hands the interpreter lock away, and an
            # acknowledgement arriving meanwhile waits for this lock).
            with self._one() as db:
                if max_attempts is not None:
                    _bury_expired(db, max_attempts, now)
                rows = db.execute(
                    "UPDATE deliveries SET state = 'running', attempts = attempts + 1,"
                    " lease_until = ?, updated_at = ?"
                    " WHERE id = (SELECT id FROM deliveries"
                    "   WHERE (state IN ('queued', 'retry') AND next_attempt_at <= ?)"
                    "      OR (state = 'running' AND lease_until <= ?)"
                    "   ORDER BY next_attempt_at, received_at LIMIT 1)"
                    f" RETURNING {COLUMNS}, payload",
                    (now + lease_seconds, now, now, now),
                ).fetchall()  # to the end: the statement (and its write) is finished here
            if not rows:
                return None
            row = rows[0]
            claim = Claim(Delivery(*row[:-1]), {})
            payload = decode_payload(row[-1])  # outside the writer lock: webhooks wait on that lock
            if isinstance(payload, dict):
                return Claim(claim.delivery, payload)
            self._settle(claim, "dead", now, f"payload cannot be decoded: {payload}", now)

    def renew(self, claim: Claim, lease_seconds: float, now: float | None = None) -> bool:
        """Extend a running delivery's lease; False if another worker has taken it over."""
        now = time.time() if now is None else now
        with self._one() as db:
            cursor = db.execute(
                "UPDATE deliveries SET lease_until = ?, updated_at = ?"
                " WHERE id = ? AND state = 'running' AND attempts = ?",
                (now + lease_seconds, now, claim.id, claim.delivery.attempts),
            )
        return cursor.rowcount == 1

    def finish(self, claim: Claim, now: float | None = None) -> None:
        """Mark a claimed delivery as done (ignored if the lease was lost to another worker)."""
        now = time.time() if now is None else now
        self._settle(claim, "done", now, None, now)

    def fail(
        self,
        claim: Claim,
        error: str,
        *,
        max_attempts: int,
        base: float,
        now: float | None = None,
    ) -> str:
        """Record a failed attempt: ``retry`` after a backoff, or ``dead`` when out of attempts."""
        now = time.time() if now is None else now
        attempts = claim.delivery.attempts
        if attempts >= max_attempts:
            self._settle(claim, "dead", now, error, now)
            return "dead"
        self._settle(claim, "retry", now + backoff(attempts, base), error, now)
        return "retry"

    def bury(self, claim: Claim, error: str, now: float | None = None) -> None:
        """Settle a claimed delivery ``dead`` at once: no attempt could succeed (see *error*)."""
        now = time.time() if now is None else now
        self._settle(claim, "dead", now, error, now)

    def postpone(self, claim: Claim, until: float, error: str, now: float | None = None) -> None:
        """Retry at *until* without spending an attempt (e.g. a rate limit that resets then)."""
        now = time.time() if now is None else now
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET state = 'retry', attempts = attempts - 1,"
                " next_attempt_at = ?, lease_until = NULL, last_error = ?, updated_at = ?"
                " WHERE id = ? AND state = 'running' AND attempts = ?",
                (until, error[:ERROR_LIMIT], now, claim.id, claim.delivery.attempts),
            )

    def _settle(
        self, claim: Claim, state: str, next_at: float, error: str | None, now: float
    ) -> None:
        with self._one() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, next_attempt_at = ?, lease_until = NULL,"
                " last_error = ?, updated_at = ?"
                " WHERE id = ? AND state = 'running' AND attempts = ?",
                (
                    state,
                    next_at,
                    error[:ERROR_LIMIT] if error else None,
                    now,
                    claim.id,
                    claim.delivery.attempts,
                ),
            )

    def recover(self, max_attempts: int, now: float | None = None) -> int:
        """At start-up, hand every ``running`` row (its worker died with us) back to the queue."""
        now = time.time() if now is None else now
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET state = 'dead', lease_until = NULL, updated_at = ?,"
                " last_error = COALESCE(last_error, 'interrupted by a restart')"
                " WHERE state = 'running' AND attempts >= ?",
                (now, max_attempts),
            )
            cursor = db.execute(
                "UPDATE deliveries SET state = 'retry', next_attempt_at = ?, lease_until = NULL,"
                " updated_at = ? WHERE state = 'running'",
                (now, now),
            )
            return cursor.rowcount

    def requeue(self, delivery_id: str, now: float | None = None) -> Delivery | None:
        """Give a ``dead`` or ``retry`` delivery a fresh set of attempts, due now."""
        now = time.time() if now is None else now
        with self._tx() as db:
            row = db.execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0, next_attempt_at = ?,"
                " updated_at = ? WHERE id = ? AND state IN ('dead', 'retry')"
                f" RETURNING {COLUMNS}",
                (now, now, delivery_id),
            ).fetchone()
        return Delivery(*row) if row else None

    def known(self, guids: Iterable[str]) -> set[str]:
        """The GUIDs among *guids* that reached the ledger or were already asked for again."""
        wanted = list(dict.fromkeys(guids))
        found: set[str] = set()
        db = self._db()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table, column in (("deliveries", "id"), ("redeliveries", "guid")):
                rows = db.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk
                )
                found.update(row[0] for row in rows)
        return found

    def mark_redelivery(self, guid: str, hook_id: int, now: float | None = None) -> bool:
        """Remember that a redelivery of *guid* is asked for; False if it already was."""
        now = time.time() if now is None else now
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO redeliveries (guid, hook_id, requested_at) VALUES (?, ?, ?)",
                (guid, hook_id, now),
            )
            return cursor.rowcount == 1

    def forget_redelivery(self, guid: str) -> None:
        """Undo `mark_redelivery` when GitHub refused to take the request (a rate limit)."""
        with self._tx() as db:
            db.execute("DELETE FROM redeliveries WHERE guid = ?", (guid,))

    def recovered(self, guids: Iterable[str]) -> set[str]:
        """The GUIDs among *guids* that catch-up asked GitHub to redeliver."""
        wanted = list(guids)
        marks = ",".join("?" * len(wanted))
        rows = self._db().execute(f"SELECT guid FROM redeliveries WHERE guid IN ({marks})", wanted)
        return {row[0] for row in rows}

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Hold the lock *name* for the ``with`` block (one process owns a SQLite ledger)."""
        return _EXCLUSIVE.hold(name)

    def get(self, delivery_id: str) -> Delivery | None:
        row = (
            self._db()
            .execute(f"SELECT {COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,))
            .fetchone()
        )
        return Delivery(*row) if row else None

    def recent(self, state: str | None = None, limit: int = 20) -> list[Delivery]:
        """List the most recently received deliveries, newest first, optionally of one state."""
        where, args = ("WHERE state = ?", [state]) if state else ("", [])
        rows = (
            self._db()
            .execute(
                f"SELECT {COLUMNS} FROM deliveries {where} ORDER BY received_at DESC, id LIMIT ?",
                (*args, limit),
            )
            .fetchall()
        )
        return [Delivery(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        rows = self._db().execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        found = dict(rows.fetchall())
        return {state: found.get(state, 0) for state in STATES}

    def seconds_until_due(self, now: float | None = None) -> float | None:
        """How long until the next queued/retry delivery is due (None when nothing waits)."""
        now = time.time() if now is None else now
        row = (
            self._db()
            .execute(
                "SELECT MIN(CASE WHEN state = 'running' THEN lease_until ELSE next_attempt_at END)"
                " FROM deliveries WHERE state IN ('queued', 'retry', 'running')"
            )
            .fetchone()
        )
        return None if row[0] is None else max(0.0, row[0] - now)


def _bury_expired(db: sqlite3.Connection, max_attempts: int, now: float) -> None:
    """Settle ``dead`` every delivery whose lease ran out on its last allowed attempt."""
    db.execute(
        "UPDATE deliveries SET state = 'dead', lease_until = NULL, updated_at = ?,"
        " last_error = 'the lease ran out on attempt ' || attempts || ' of ' || ?"
        "   || ' (the worker hung or stopped)' || COALESCE('; before: ' || last_error, '')"
        " WHERE state = 'running' AND lease_until <= ? AND attempts >= ?",
        (now, max_attempts, now, max_attempts),
    )
