"""The ledger never loops and stays private: poison payloads, attempt limits, odd types, modes."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from review_bot.ledger import Ledger
from review_bot.routing import Router
from review_bot.worker import WorkerPool

T0 = 1_800_000_000.0


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite3")


POISON = {  # stored body: what a worker finds when it claims the delivery
    "form-encoded-leftover": b'{"a": 1}&payload={"b": 2}',
    "truncated": b'{"action": "opened"',
    "not-an-object": b"[1, 2, 3]",
    "nested-too-deep-to-decode": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("case", list(POISON), ids=list(POISON))
def test_a_payload_that_cannot_be_decoded_is_dead_on_its_first_claim(
    ledger: Ledger, case: str
) -> None:
    ledger.record("poison", "issues", POISON[case], {"action": "opened"}, now=T0)
    ledger.record("healthy", "issues", b'{"action": "opened"}', {}, now=T0 + 1)
    claim = ledger.claim(60, now=T0 + 2, max_attempts=3)
    assert claim is not None and claim.id == "healthy", "the next delivery is handed out"
    ledger.finish(claim, now=T0 + 3)
    row = ledger.get("poison")
    assert row is not None and (row.state, row.attempts) == ("dead", 1)
    assert row.last_error is not None and row.last_error.startswith("payload cannot be decoded: ")
    assert ledger.claim(60, now=T0 + 10_000, max_attempts=3) is None


def test_a_lease_that_runs_out_on_the_last_attempt_is_dead_not_retried(ledger: Ledger) -> None:
    ledger.record("hangs", "issues", b"{}", {}, now=T0)
    now = T0
    for attempt in (1, 2, 3):  # each worker hangs until its lease runs out
        claim = ledger.claim(60, now=now, max_attempts=3)
        assert claim is not None and claim.delivery.attempts == attempt
        now += 61
    assert ledger.claim(60, now=now, max_attempts=3) is None
    row = ledger.get("hangs")
    assert row is not None and (row.state, row.attempts) == ("dead", 3)
    assert row.last_error == "the lease ran out on attempt 3 of 3 (the worker hung or stopped)"


def test_attempts_hold_across_failures_lease_expiry_and_restarts(ledger: Ledger) -> None:
    ledger.record("mixed", "issues", b"{}", {}, now=T0)
    first = ledger.claim(60, now=T0, max_attempts=3)
    assert first is not None
    ledger.fail(first, "boom", max_attempts=3, base=1, now=T0)
    assert ledger.claim(60, now=T0 + 10, max_attempts=3) is not None  # attempt 2 hangs
    assert ledger.claim(60, now=T0 + 80, max_attempts=3) is not None  # attempt 3 taken over
    ledger.recover(max_attempts=3, now=T0 + 90)  # and the server restarts meanwhile
    assert ledger.claim(60, now=T0 + 10_000, max_attempts=3) is None
    row = ledger.get("mixed")
    assert row is not None and (row.state, row.attempts) == ("dead", 3)


ODD_TYPES: dict[str, dict[str, Any]] = {
    "installation-id-object": {"installation": {"id": {"x": 1}}},
    "installation-id-huge": {"installation": {"id": 2**70}},
    "installation-id-true": {"installation": {"id": True}},
    "full-name-list": {"repository": {"full_name": ["acme", "kb"]}},
    "action-number": {"action": 7},
    "installation-list": {"installation": [1]},
}


@pytest.mark.parametrize("case", list(ODD_TYPES), ids=list(ODD_TYPES))
def test_odd_field_types_are_recorded_without_columns(ledger: Ledger, case: str) -> None:
    payload = ODD_TYPES[case]
    assert ledger.record("odd", "issues", json.dumps(payload).encode(), payload, now=T0)
    row = ledger.get("odd")
    assert row is not None and (row.action, row.installation_id, row.repo) == (None, None, None)


def test_a_worker_buries_a_payload_of_the_wrong_shape_without_running_handlers(
    ledger: Ledger, tmp_path: Path
) -> None:
    router = Router()
    ran: list[str] = []
    router.on("issues")(lambda ctx: ran.append(ctx.delivery_id))
    payload = {"action": "edited", "changes": [{"body": "x"}]}
    ledger.record("odd-shape", "issues", json.dumps(payload).encode(), payload)
    pool = WorkerPool(ledger, router, workers=0, mirrors_root=tmp_path / "m", max_attempts=5)
    assert pool.run_once() is True
    row = ledger.get("odd-shape")
    assert row is not None and (row.state, row.attempts) == ("dead", 1)
    assert row.last_error == "payload field changes is an array, expected an object"
    assert ran == []


def test_the_ledger_and_its_wal_are_private(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state" / "ledger.sqlite3")
    ledger.record("d1", "issues", b"{}", {})
    modes = {
        path.name: stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "state").iterdir()
    }
    assert modes == {
        "ledger.sqlite3": 0o600,
        "ledger.sqlite3-wal": 0o600,
        "ledger.sqlite3-shm": 0o600,
    }
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
