"""The delivery ledger and work queue, keyed by ``X-GitHub-Delivery``: one interface, two backends.

SQLite (`review_bot.ledger_sqlite`, the default) for one replica; PostgreSQL
(`review_bot.ledger_pg`, ``KENNIS_DATABASE_URL``) for several sharing one queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from review_bot.ledger_model import STATES, Claim, Delivery, backoff
from review_bot.ledger_sqlite import SQLiteLedger
from review_bot.settings import Settings

Ledger = SQLiteLedger  # the default backend, under the name callers have always used


class DeliveryLedger(Protocol):
    """What the webhook, the workers, catch-up and the CLI use; both backends provide it."""

    @property
    def path(self) -> Path | None: ...
    def record(
        self,
        delivery_id: str,
        event: str,
        payload_raw: bytes,
        payload: dict[str, Any],
        now: float | None = None,
    ) -> bool: ...
    def claim(
        self, lease_seconds: float, now: float | None = None, *, max_attempts: int | None = None
    ) -> Claim | None: ...
    def renew(self, claim: Claim, lease_seconds: float, now: float | None = None) -> bool: ...
    def finish(self, claim: Claim, now: float | None = None) -> None: ...
    def fail(
        self, claim: Claim, error: str, *, max_attempts: int, base: float, now: float | None = None
    ) -> str: ...
    def bury(self, claim: Claim, error: str, now: float | None = None) -> None: ...
    def postpone(
        self, claim: Claim, until: float, error: str, now: float | None = None
    ) -> None: ...
    def recover(self, max_attempts: int, now: float | None = None) -> int: ...
    def requeue(self, delivery_id: str, now: float | None = None) -> Delivery | None: ...
    def get(self, delivery_id: str) -> Delivery | None: ...
    def recent(self, state: str | None = None, limit: int = 20) -> list[Delivery]: ...
    def counts(self) -> dict[str, int]: ...
    def seconds_until_due(self, now: float | None = None) -> float | None: ...
    def prune(self, keep_seconds: float, now: float | None = None) -> int: ...
    def checkpoint(self) -> None: ...
    def close(self) -> None: ...
    def known(self, guids: Iterable[str]) -> set[str]: ...
    def mark_redelivery(self, guid: str, hook_id: int, now: float | None = None) -> bool: ...
    def forget_redelivery(self, guid: str) -> None: ...
    def recovered(self, guids: Iterable[str]) -> set[str]: ...
    def exclusive(self, name: str) -> AbstractContextManager[None]: ...


class LedgerUnavailable(Exception):
    """The PostgreSQL ledger cannot be reached or migrated (the message says why)."""


def open_ledger(settings: Settings, *, autocheckpoint: bool = True) -> DeliveryLedger:
    """The ledger the settings name: PostgreSQL for ``KENNIS_DATABASE_URL``, else SQLite."""
    if settings.database_url:
        import psycopg

        from review_bot.ledger_pg import PostgresLedger

        try:
            return PostgresLedger(settings.database_url, settings.ledger_path)
        except psycopg.Error as exc:
            raise LedgerUnavailable(str(exc).strip().splitlines()[0]) from None
    return SQLiteLedger(
        settings.ledger_path, synchronous=settings.ledger_sync, autocheckpoint=autocheckpoint
    )


__all__ = [
    "STATES",
    "Claim",
    "Delivery",
    "DeliveryLedger",
    "Ledger",
    "LedgerUnavailable",
    "SQLiteLedger",
    "backoff",
    "open_ledger",
]
