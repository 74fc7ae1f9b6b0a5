"""Durable memory per pull request, kept in the ledger database: who left it, whom GitHub refused.

Why here and not read back from the PR's timeline: the timeline costs one or more paginated API
calls on every evaluation (the review-routing budget is ten calls per pull request), and a table
next to the delivery ledger survives restarts just as well. People are stored as handle keys
(``@login`` or ``@org/team``, lower case).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal

from kennis.handles import handle_key
from review_bot.sqlite_tx import transaction

Kind = Literal["removed", "refused"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pr_people (
    repo    TEXT NOT NULL,
    number  INTEGER NOT NULL,
    handle  TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('removed', 'refused')),
    reason  TEXT NOT NULL DEFAULT '',
    at      REAL NOT NULL,
    PRIMARY KEY (repo, number, handle, kind)
)
"""


class PullState:
    """The ``pr_people`` table; each call opens its own short connection (safe from any thread)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        # The ledger's writer lock: no SQLite busy-waiting against webhook acknowledgements.
        return transaction(self.path)

    def remember(self, repo: str, number: int, handle: str, kind: Kind, reason: str = "") -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO pr_people (repo, number, handle, kind, reason, at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo, number, handle, kind)"
                " DO UPDATE SET reason = excluded.reason, at = excluded.at",
                (repo.lower(), number, handle_key(handle), kind, reason, time.time()),
            )

    def forget(self, repo: str, number: int, handle: str, kind: Kind) -> None:
        with self._connect() as db:
            db.execute(
                "DELETE FROM pr_people WHERE repo = ? AND number = ? AND handle = ? AND kind = ?",
                (repo.lower(), number, handle_key(handle), kind),
            )

    def people(self, repo: str, number: int, kind: Kind) -> dict[str, str]:
        """Handle key → reason, for one pull request and kind."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT handle, reason FROM pr_people WHERE repo = ? AND number = ? AND kind = ?"
                " ORDER BY handle",
                (repo.lower(), number, kind),
            ).fetchall()
        return {handle: reason for handle, reason in rows}
