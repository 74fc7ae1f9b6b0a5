"""The PostgreSQL ledger (``KENNIS_DATABASE_URL``): one queue shared by several replicas.

The same guarantees as the SQLite ledger: a delivery is committed before the 202, deduplicated
by its id, claimed by one worker at a time (``FOR UPDATE SKIP LOCKED`` plus a lease a dead
replica's work is taken over after), retried with backoff and settled dead. The schema is
migrated at start under an advisory lock (the concerns' state tables too, `review_bot.state_pg`).
`exclusive` serialises work on one key across replicas with a session advisory lock.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

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

#: Schema versions, applied in order once each (``kennis_schema`` records the last one).
MIGRATIONS = (
    """
    CREATE TABLE deliveries (
        id              TEXT PRIMARY KEY,
        event           TEXT NOT NULL,
        action          TEXT,
        installation_id BIGINT,
        repo            TEXT,
        payload         BYTEA NOT NULL,
        state           TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued', 'running', 'done', 'retry', 'dead')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DOUBLE PRECISION NOT NULL,
        lease_until     DOUBLE PRECISION,
        last_error      TEXT,
        received_at     DOUBLE PRECISION NOT NULL,
        updated_at      DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
    CREATE INDEX deliveries_recent ON deliveries (received_at);
    CREATE TABLE redeliveries (
        guid         TEXT PRIMARY KEY,
        hook_id      BIGINT NOT NULL,
        requested_at DOUBLE PRECISION NOT NULL
    );
    """,
    # 2: the concerns' state tables, shared by replicas (review_bot.state_pg)
    """
    CREATE TABLE feedback_reports (
        id        TEXT PRIMARY KEY,
        repo      TEXT NOT NULL,
        page      TEXT NOT NULL,
        kind      TEXT NOT NULL,
        comment   TEXT NOT NULL DEFAULT '',
        identity  TEXT,
        by_owner  BOOLEAN NOT NULL DEFAULT FALSE,
        on_day    TEXT NOT NULL,
        at        DOUBLE PRECISION NOT NULL,
        posted    BOOLEAN NOT NULL DEFAULT FALSE,
        cleared   BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX feedback_open ON feedback_reports (repo, page, cleared);
    CREATE TABLE feedback_pages (
        repo        TEXT NOT NULL,
        page        TEXT NOT NULL,
        issue       BIGINT,
        last_write  DOUBLE PRECISION NOT NULL DEFAULT 0,
        written     TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (repo, page)
    );
    CREATE TABLE pr_people (
        repo    TEXT NOT NULL,
        number  BIGINT NOT NULL,
        handle  TEXT NOT NULL,
        kind    TEXT NOT NULL CHECK (kind IN ('removed', 'refused')),
        reason  TEXT NOT NULL DEFAULT '',
        at      DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (repo, number, handle, kind)
    );
    CREATE TABLE pr_suggestions (
        repo    TEXT NOT NULL,
        number  BIGINT NOT NULL,
        fix     TEXT NOT NULL,
        head    TEXT NOT NULL,
        at      DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (repo, number, fix)
    );
    """,
)
_MIGRATION_LOCK = 0x6B656E6E6973  # "kennis": one replica migrates, the others wait


def lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for *name*."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class PostgresLedger:
    """The ledger in PostgreSQL; one connection per thread, autocommit outside transactions."""

    def __init__(self, url: str, path: Path | None = None) -> None:
        self.url = url
        self.path = path  # the data folder's ledger file name (the state tables are in PostgreSQL)
        self._local = threading.local()
        self.migrate()

    def _db(self) -> psycopg.Connection[Any]:
        db: psycopg.Connection[Any] | None = getattr(self._local, "db", None)
        if db is None or db.closed:
            db = psycopg.connect(self.url, autocommit=True)
            self._local.db = db
        return db

    def connection(self) -> psycopg.Connection[Any]:
        """The calling thread's connection (autocommit): the concerns' state tables use it too."""
        return self._db()

    def migrate(self) -> None:
        """Apply the migrations this database lacks, one replica at a time."""
        db = self._db()
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS kennis_schema (version INTEGER NOT NULL)")
            row = db.execute("SELECT MAX(version) FROM kennis_schema").fetchone()
            done = row[0] or 0 if row else 0
            for version, script in enumerate(MIGRATIONS, start=1):
                if version > done:
                    db.execute(script)
                    db.execute("INSERT INTO kennis_schema (version) VALUES (%s)", (version,))

    def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL checkpoints by itself."""

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def prune(self, keep_seconds: float, now: float | None = None) -> int:
        """Forget finished deliveries older than ``keep_seconds`` (dead ones stay visible)."""
        now = time.time() if now is None else now
        cursor = self._db().execute(
            "DELETE FROM deliveries WHERE state = 'done' AND updated_at < %s", (now - keep_seconds,)
        )
        return cursor.rowcount

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
        installation_id = field_of(payload, int, "installation", "id")
        if installation_id is not None and not -(2**63) <= installation_id < 2**63:
            installation_id = None
        cursor = self._db().execute(
            "INSERT INTO deliveries (id, event, action, installation_id, repo, payload,"
            " next_attempt_at, received_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (
                delivery_id,
                event,
                field_of(payload, str, "action"),
                installation_id,
                field_of(payload, str, "repository", "full_name"),
                payload_raw,
                now,
                now,
                now,
            ),
        )
        return cursor.rowcount == 1

    def claim(
        self, lease_seconds: float, now: float | None = None, *, max_attempts: int | None = None
    ) -> Claim | None:
        """Lease the next due delivery (expired leases are taken over); other replicas skip it."""
        now = time.time() if now is None else now
        while True:
            db = self._db()
            if max_attempts is not None:
                _bury_expired(db, max_attempts, now)
            row = db.execute(
                "UPDATE deliveries SET state = 'running', attempts = attempts + 1,"
                " lease_until = %s, updated_at = %s"
                " WHERE id = (SELECT id FROM deliveries"
                "   WHERE (state IN ('queued', 'retry') AND next_attempt_at <= %s)"
                "      OR (state = 'running' AND lease_until <= %s)"
                "   ORDER BY next_attempt_at, received_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
                f" RETURNING {COLUMNS}, payload",
                (now + lease_seconds, now, now, now),
            ).fetchone()
            if row is None:
                return None
            claim = Claim(Delivery(*row[:-1]), {})
            payload = decode_payload(bytes(row[-1]))
            if isinstance(payload, dict):
                return Claim(claim.delivery, payload)
            self._settle(claim, "dead", now, f"payload cannot be decoded: {payload}", now)

    def renew(self, claim: Claim, lease_seconds: float, now: float | None = None) -> bool:
        """Extend a running delivery's lease; False if another worker has taken it over."""
        now = time.time() if now is None else now
        cursor = self._db().execute(
            "UPDATE deliveries SET lease_until = %s, updated_at = %s"
            " WHERE id = %s AND state = 'running' AND attempts = %s",
            (now + lease_seconds, now, claim.id, claim.delivery.attempts),
        )
        return cursor.rowcount == 1

    def finish(self, claim: Claim, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._settle(claim, "done", now, None, now)

    def fail(
        self, claim: Claim, error: str, *, max_attempts: int, base: float, now: float | None = None
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
        now = time.time() if now is None else now
        self._settle(claim, "dead", now, error, now)

    def postpone(self, claim: Claim, until: float, error: str, now: float | None = None) -> None:
        """Retry at *until* without spending an attempt (e.g. a rate limit that resets then)."""
        now = time.time() if now is None else now
        self._db().execute(
            "UPDATE deliveries SET state = 'retry', attempts = attempts - 1,"
            " next_attempt_at = %s, lease_until = NULL, last_error = %s, updated_at = %s"
            " WHERE id = %s AND state = 'running' AND attempts = %s",
            (until, error[:ERROR_LIMIT], now, claim.id, claim.delivery.attempts),
        )

    def _settle(
        self, claim: Claim, state: str, next_at: float, error: str | None, now: float
    ) -> None:
        self._db().execute(
            "UPDATE deliveries SET state = %s, next_attempt_at = %s, lease_until = NULL,"
            " last_error = %s, updated_at = %s WHERE id = %s AND state = 'running' AND attempts = %s",
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
        """Nothing at start: running deliveries may be other replicas' work.

        A killed replica's deliveries are taken over by `claim` once their lease ends.
        """
        return 0

    def requeue(self, delivery_id: str, now: float | None = None) -> Delivery | None:
        now = time.time() if now is None else now
        row = (
            self._db()
            .execute(
                "UPDATE deliveries SET state = 'queued', attempts = 0, next_attempt_at = %s,"
                " updated_at = %s WHERE id = %s AND state IN ('dead', 'retry')"
                f" RETURNING {COLUMNS}",
                (now, now, delivery_id),
            )
            .fetchone()
        )
        return Delivery(*row) if row else None

    def get(self, delivery_id: str) -> Delivery | None:
        row = (
            self._db()
            .execute(f"SELECT {COLUMNS} FROM deliveries WHERE id = %s", (delivery_id,))
            .fetchone()
        )
        return Delivery(*row) if row else None

    def recent(self, state: str | None = None, limit: int = 20) -> list[Delivery]:
        where, args = ("WHERE state = %s", [state]) if state else ("", [])
        rows = (
            self._db()
            .execute(
                f"SELECT {COLUMNS} FROM deliveries {where} ORDER BY received_at DESC, id LIMIT %s",
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
        now = time.time() if now is None else now
        row = (
            self._db()
            .execute(
                "SELECT MIN(CASE WHEN state = 'running' THEN lease_until ELSE next_attempt_at END)"
                " FROM deliveries WHERE state IN ('queued', 'retry', 'running')"
            )
            .fetchone()
        )
        return None if row is None or row[0] is None else max(0.0, row[0] - now)

    def known(self, guids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(guids))
        rows = self._db().execute(
            "SELECT id FROM deliveries WHERE id = ANY(%s)"
            " UNION SELECT guid FROM redeliveries WHERE guid = ANY(%s)",
            (wanted, wanted),
        )
        return {row[0] for row in rows}

    def mark_redelivery(self, guid: str, hook_id: int, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        cursor = self._db().execute(
            "INSERT INTO redeliveries (guid, hook_id, requested_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (guid) DO NOTHING",
            (guid, hook_id, now),
        )
        return cursor.rowcount == 1

    def forget_redelivery(self, guid: str) -> None:
        self._db().execute("DELETE FROM redeliveries WHERE guid = %s", (guid,))

    def recovered(self, guids: Iterable[str]) -> set[str]:
        rows = self._db().execute(
            "SELECT guid FROM redeliveries WHERE guid = ANY(%s)", (list(guids),)
        )
        return {row[0] for row in rows}

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the advisory lock *name* across all replicas for the ``with`` block."""
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("SELECT pg_advisory_lock(%s)", (lock_key(name),))
            try:
                yield
            finally:
                db.execute("SELECT pg_advisory_unlock(%s)", (lock_key(name),))


def _bury_expired(db: psycopg.Connection[Any], max_attempts: int, now: float) -> None:
    """Settle ``dead`` every delivery whose lease ran out on its last allowed attempt."""
    db.execute(
        "UPDATE deliveries SET state = 'dead', lease_until = NULL, updated_at = %s,"
        " last_error = 'the lease ran out on attempt ' || attempts || ' of ' || %s::text"
        "   || ' (the worker hung or stopped)' || COALESCE('; before: ' || last_error, '')"
        " WHERE state = 'running' AND lease_until <= %s AND attempts >= %s",
        (now, max_attempts, now, max_attempts),
    )
