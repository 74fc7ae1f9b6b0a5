"""Readers' reports and each page's feedback issue, kept in the ledger's database.

Reports are stored once (keyed by the report id the endpoint answered with), so a redelivered or
resumed report is counted once. Per page the table keeps the issue number, when the App last
wrote to GitHub for it and what it wrote, so writes are coalesced and an unchanged tally writes
nothing. No client address is ever stored here.

One interface (`FeedbackTables`), two backends, like the ledger: `SQLiteFeedbackStore` (also
named `FeedbackStore`, as callers always have) in the ledger's SQLite file,
and `review_bot.state_pg.PostgresFeedbackStore` in the ledger's PostgreSQL database, where
replicas share one page's reports and issue (`feedback_store` picks the one the ledger uses).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kennis.feedback import Report
from review_bot.sqlite_tx import reading, transaction

if TYPE_CHECKING:
    from review_bot.context import DeliveryContext

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback_reports (
    id        TEXT PRIMARY KEY,
    repo      TEXT NOT NULL,
    page      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    comment   TEXT NOT NULL DEFAULT '',
    identity  TEXT,
    by_owner  INTEGER NOT NULL DEFAULT 0,
    on_day    TEXT NOT NULL,
    at        REAL NOT NULL,
    posted    INTEGER NOT NULL DEFAULT 0,
    cleared   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS feedback_open ON feedback_reports (repo, page, cleared);
CREATE TABLE IF NOT EXISTS feedback_pages (
    repo        TEXT NOT NULL,
    page        TEXT NOT NULL,
    issue       INTEGER,
    last_write  REAL NOT NULL DEFAULT 0,
    written     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repo, page)
);
"""


@dataclass(frozen=True)
class PageState:
    """What the App last did on GitHub for one page's feedback."""

    issue: int | None = None
    last_write: float = 0.0
    written: str = ""


class FeedbackTables(Protocol):
    """What the feedback concern uses; both backends provide it (any thread)."""

    def add(self, repo: str, report: Report, now: float | None = None) -> bool: ...
    def open_reports(self, repo: str, page: str) -> list[Report]: ...
    def unposted(self, repo: str, page: str) -> list[Report]: ...
    def mark_posted(self, ids: list[str]) -> None: ...
    def clear(self, repo: str, page: str) -> int: ...
    def pages_with_reports(self, repo: str) -> list[str]: ...
    def page_state(self, repo: str, page: str) -> PageState: ...
    def wrote(
        self, repo: str, page: str, issue: int | None, written: str, now: float | None = None
    ) -> None: ...


def feedback_store(ctx: DeliveryContext) -> FeedbackTables:
    """The store in the database of the delivery's ledger: PostgreSQL's shared one, else SQLite."""
    if ctx.settings.database_url:  # psycopg is imported only then
        from review_bot.state_pg import PostgresFeedbackStore, postgres_ledger

        shared = postgres_ledger(ctx)
        if shared is not None:
            return PostgresFeedbackStore(shared)
    return SQLiteFeedbackStore(Path(ctx.ledger_path))


def report_of(row: tuple[str, str, str, str, str, str | None, object]) -> Report:
    """A report from its row: id, page, kind, day (ISO), comment, identity, by owner."""
    i, p, k, d, c, who, o = row
    return Report(i, p, k, date.fromisoformat(d), c, who, bool(o))


_SCHEMA_MADE: set[Path] = set()
_SCHEMA_LOCK = threading.Lock()


class SQLiteFeedbackStore:
    """The two feedback tables in the ledger's SQLite file; each call its own short transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if self.path in _SCHEMA_MADE:
            return  # one store per delivery: the tables are made once per file and process
        with _SCHEMA_LOCK:
            if self.path not in _SCHEMA_MADE:
                with self._connect() as db:
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                _SCHEMA_MADE.add(self.path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        # Every write takes the ledger's writer lock: one made beside it would leave an
        # acknowledgement's BEGIN IMMEDIATE to SQLite's busy handler, which sleeps in steps.
        return transaction(self.path)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, single=True)  # one statement: committed on its own

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        return reading(self.path)  # no writer lock: an acknowledgement never waits for a read

    def add(self, repo: str, report: Report, now: float | None = None) -> bool:
        """Store a report; False when its id is already known (a redelivery)."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO feedback_reports (id, repo, page, kind, comment, identity,"
                " by_owner, on_day, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.id,
                    repo.lower(),
                    report.page,
                    report.kind,
                    report.comment,
                    report.identity,
                    int(report.by_owner),
                    report.on.isoformat(),
                    time.time() if now is None else now,
                ),
            )
            return cursor.rowcount == 1

    def open_reports(self, repo: str, page: str) -> list[Report]:
        """Reports on *page* not yet cleared by a confirmation or an edit, oldest first."""
        return [r for r, _ in self._rows(repo, page)]

    def unposted(self, repo: str, page: str) -> list[Report]:
        """Open reports with a comment that is not yet on the issue."""
        return [r for r, posted in self._rows(repo, page) if r.comment and not posted]

    def _rows(self, repo: str, page: str) -> list[tuple[Report, bool]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT id, page, kind, on_day, comment, identity, by_owner, posted"
                " FROM feedback_reports WHERE repo = ? AND page = ? AND cleared = 0"
                " ORDER BY at, id",
                (repo.lower(), page),
            ).fetchall()
        return [(report_of(row[:7]), bool(row[7])) for row in rows]

    def mark_posted(self, ids: list[str]) -> None:
        with self._connect() as db:  # every id or none
            db.executemany(
                "UPDATE feedback_reports SET posted = 1 WHERE id = ?", [(i,) for i in ids]
            )

    def clear(self, repo: str, page: str) -> int:
        """The page was confirmed or edited: its open reports are settled."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE feedback_reports SET cleared = 1 WHERE repo = ? AND page = ? AND cleared = 0",
                (repo.lower(), page),
            )
            return cursor.rowcount

    def pages_with_reports(self, repo: str) -> list[str]:
        with self._read() as db:
            rows = db.execute(
                "SELECT DISTINCT page FROM feedback_reports WHERE repo = ? AND cleared = 0"
                " ORDER BY page",
                (repo.lower(),),
            ).fetchall()
        return [page for (page,) in rows]

    def page_state(self, repo: str, page: str) -> PageState:
        with self._read() as db:
            row = db.execute(
                "SELECT issue, last_write, written FROM feedback_pages WHERE repo = ? AND page = ?",
                (repo.lower(), page),
            ).fetchone()
        return PageState(*row) if row else PageState()

    def wrote(
        self, repo: str, page: str, issue: int | None, written: str, now: float | None = None
    ) -> None:
        """Remember one GitHub write for *page* (its time starts the next coalescing window)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO feedback_pages (repo, page, issue, last_write, written)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (repo, page) DO UPDATE SET"
                " issue = excluded.issue, last_write = excluded.last_write,"
                " written = excluded.written",
                (repo.lower(), page, issue, time.time() if now is None else now, written),
            )


FeedbackStore = SQLiteFeedbackStore  # the default backend, under the name callers have always used
