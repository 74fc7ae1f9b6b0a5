"""The delivery ledger and work queue, keyed by ``X-GitHub-Delivery``: one interface, two backends.

SQLite (`review_bot.ledger_sqlite`, the default) for one replica; PostgreSQL
(`review_bot.ledger_pg`, ``KENNIS_DATABASE_URL``) for several sharing one queue.
"""

from __future__ import annotations

from review_bot.ledger_model import STATES, Claim, Delivery, backoff
from review_bot.ledger_sqlite import SQLiteLedger

Ledger = SQLiteLedger  # the default backend, under the name callers have always used

__all__ = ["STATES", "Claim", "Delivery", "Ledger", "SQLiteLedger", "backoff"]
