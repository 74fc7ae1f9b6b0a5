"""Durable memory per pull request, kept in the ledger's database.

Who left it, whom GitHub refused, which suggested fixes were offered. Why here and not read back from the PR's timeline: the timeline costs one or more paginated API
calls on every evaluation (the review-routing budget is ten calls per pull request), and a table
next to the delivery ledger survives restarts just as well. People are stored as handle keys
(``@login`` or ``@org/team``, lower case).

One interface (`PullTables`), two backends, like the ledger: `SQLitePullState` (also named
`PullState`, as callers always have) in the ledger's SQLite file, and
`review_bot.state_pg.PostgresPullState` in the ledger's PostgreSQL database, shared by replicas
(`pull_state` picks the one the ledger uses).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from kennis.handles import handle_key
from review_bot.sqlite_tx import transaction

if TYPE_CHECKING:
    from review_bot.context import DeliveryContext

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
);
CREATE TABLE IF NOT EXISTS pr_suggestions (
    repo    TEXT NOT NULL,
    number  INTEGER NOT NULL,
    fix     TEXT NOT NULL,
    head    TEXT NOT NULL,
    at      REAL NOT NULL,
    PRIMARY KEY (repo, number, fix)
)
"""


class PullTables(Protocol):
    """What the reviewers and suggestions concerns use; both backends provide it (any thread)."""

    def remember(
        self, repo: str, number: int, handle: str, kind: Kind, reason: str = ""
    ) -> None: ...
    def forget(self, repo: str, number: int, handle: str, kind: Kind) -> None: ...
    def people(self, repo: str, number: int, kind: Kind) -> dict[str, str]: ...
    def offered(self, repo: str, number: int) -> set[str]: ...
    def offer(self, repo: str, number: int, fixes: Iterable[str], head: str) -> None: ...


def pull_state(ctx: DeliveryContext) -> PullTables:
    """The state in the database of the delivery's ledger: PostgreSQL's shared one, else SQLite."""
    if ctx.settings.database_url:  # psycopg is imported only then
        from review_bot.state_pg import PostgresPullState, postgres_ledger

        shared = postgres_ledger(ctx)
        if shared is not None:
            return PostgresPullState(shared)
    if ctx.ledger_path is None:
        raise RuntimeError("no ledger database to keep pull-request state in")
    return SQLitePullState(Path(ctx.ledger_path))


class SQLitePullState:
    """The pull-request tables in the ledger's SQLite file; each call its own short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._connect() as db:
            for statement in _SCHEMA.split(";"):
                db.execute(statement)

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

    def offered(self, repo: str, number: int) -> set[str]:
        """The suggested fixes (their keys) already offered on the pull request."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT fix FROM pr_suggestions WHERE repo = ? AND number = ?",
                (repo.lower(), number),
            ).fetchall()
        return {row[0] for row in rows}

    def offer(self, repo: str, number: int, fixes: Iterable[str], head: str) -> None:
        """Remember fixes offered at ``head`` (never offered again on this pull request)."""
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO pr_suggestions (repo, number, fix, head, at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(repo.lower(), number, fix, head, time.time()) for fix in fixes],
            )


PullState = SQLitePullState  # the default backend, under the name callers have always used
