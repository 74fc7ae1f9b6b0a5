"""The concerns' state tables in the ledger's PostgreSQL database, shared by every replica.

The same interface as the SQLite tables (`review_bot.feedback_store`, `review_bot.state`); the
schema is the ledger's (`review_bot.ledger_pg.MIGRATIONS`), applied at start. Each call is one
statement (or one transaction) on the calling thread's connection; work that reads, writes
GitHub and writes back holds a lock shared across replicas (``KeyedLocks`` with a shared name).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kennis.feedback import Report
from kennis.handles import handle_key
from review_bot.feedback_store import PageState, report_of
from review_bot.ledger_pg import PostgresLedger

if TYPE_CHECKING:
    from review_bot.context import DeliveryContext
    from review_bot.state import Kind


def postgres_ledger(ctx: DeliveryContext) -> PostgresLedger | None:
    """The delivery's ledger when it is the shared PostgreSQL one."""
    ledger = ctx.ledger
    return ledger if isinstance(ledger, PostgresLedger) else None


class PostgresFeedbackStore:
    """Readers' reports and each page's feedback issue, one set for all replicas."""

    def __init__(self, ledger: PostgresLedger) -> None:
        self.ledger = ledger

    def add(self, repo: str, report: Report, now: float | None = None) -> bool:
        """Store a report; False when its id is already known (a redelivery)."""
        cursor = self.ledger.connection().execute(
            "INSERT INTO feedback_reports (id, repo, page, kind, comment, identity, by_owner,"
            " on_day, at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (
                report.id,
                repo.lower(),
                report.page,
                report.kind,
                report.comment,
                report.identity,
                report.by_owner,
                report.on.isoformat(),
                time.time() if now is None else now,
            ),
        )
        return cursor.rowcount == 1

    def open_reports(self, repo: str, page: str) -> list[Report]:
        return [r for r, _ in self._rows(repo, page)]

    def unposted(self, repo: str, page: str) -> list[Report]:
        return [r for r, posted in self._rows(repo, page) if r.comment and not posted]

    def _rows(self, repo: str, page: str) -> list[tuple[Report, bool]]:
        rows = self.ledger.connection().execute(
            "SELECT id, page, kind, on_day, comment, identity, by_owner, posted"
            " FROM feedback_reports WHERE repo = %s AND page = %s AND NOT cleared"
            " ORDER BY at, id",
            (repo.lower(), page),
        )
        return [(report_of(row[:7]), bool(row[7])) for row in rows.fetchall()]

    def mark_posted(self, ids: list[str]) -> None:
        self.ledger.connection().execute(
            "UPDATE feedback_reports SET posted = TRUE WHERE id = ANY(%s)", (list(ids),)
        )

    def clear(self, repo: str, page: str) -> int:
        """The page was confirmed or edited: its open reports are settled."""
        cursor = self.ledger.connection().execute(
            "UPDATE feedback_reports SET cleared = TRUE"
            " WHERE repo = %s AND page = %s AND NOT cleared",
            (repo.lower(), page),
        )
        return cursor.rowcount

    def pages_with_reports(self, repo: str) -> list[str]:
        rows = self.ledger.connection().execute(
            "SELECT DISTINCT page FROM feedback_reports WHERE repo = %s AND NOT cleared"
            " ORDER BY page",
            (repo.lower(),),
        )
        return [page for (page,) in rows.fetchall()]

    def page_state(self, repo: str, page: str) -> PageState:
        row = (
            self.ledger.connection()
            .execute(
                "SELECT issue, last_write, written FROM feedback_pages"
                " WHERE repo = %s AND page = %s",
                (repo.lower(), page),
            )
            .fetchone()
        )
        return PageState(*row) if row else PageState()

    def wrote(
        self, repo: str, page: str, issue: int | None, written: str, now: float | None = None
    ) -> None:
        """Remember one GitHub write for *page* (its time starts the next coalescing window)."""
        self.ledger.connection().execute(
            "INSERT INTO feedback_pages (repo, page, issue, last_write, written)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (repo, page) DO UPDATE SET"
            " issue = excluded.issue, last_write = excluded.last_write,"
            " written = excluded.written",
            (repo.lower(), page, issue, time.time() if now is None else now, written),
        )


class PostgresPullState:
    """Who left a pull request, whom GitHub refused, which fixes were offered: for all replicas."""

    def __init__(self, ledger: PostgresLedger) -> None:
        self.ledger = ledger

    def remember(self, repo: str, number: int, handle: str, kind: Kind, reason: str = "") -> None:
        self.ledger.connection().execute(
            "INSERT INTO pr_people (repo, number, handle, kind, reason, at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (repo, number, handle, kind)"
            " DO UPDATE SET reason = excluded.reason, at = excluded.at",
            (repo.lower(), number, handle_key(handle), kind, reason, time.time()),
        )

    def forget(self, repo: str, number: int, handle: str, kind: Kind) -> None:
        self.ledger.connection().execute(
            "DELETE FROM pr_people WHERE repo = %s AND number = %s AND handle = %s AND kind = %s",
            (repo.lower(), number, handle_key(handle), kind),
        )

    def people(self, repo: str, number: int, kind: Kind) -> dict[str, str]:
        """Handle key → reason, for one pull request and kind."""
        rows = self.ledger.connection().execute(
            "SELECT handle, reason FROM pr_people WHERE repo = %s AND number = %s AND kind = %s"
            " ORDER BY handle",
            (repo.lower(), number, kind),
        )
        return {handle: reason for handle, reason in rows.fetchall()}

    def offered(self, repo: str, number: int) -> set[str]:
        rows = self.ledger.connection().execute(
            "SELECT fix FROM pr_suggestions WHERE repo = %s AND number = %s",
            (repo.lower(), number),
        )
        return {row[0] for row in rows.fetchall()}

    def offer(self, repo: str, number: int, fixes: Iterable[str], head: str) -> None:
        db = self.ledger.connection()
        with db.transaction(), db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO pr_suggestions (repo, number, fix, head, at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(repo.lower(), number, fix, head, time.time()) for fix in fixes],
            )
