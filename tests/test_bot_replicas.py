"""Several kennis-bot replicas on one PostgreSQL ledger share the work: each delivery posted to
either replica is processed once, and a killed replica's work is taken over."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from review_bot.ledger_pg import PostgresLedger
from tests.botproc import BotProcess, processed_ids, start_bot, wait_for

pytestmark = pytest.mark.slow


def replicas(tmp_path: Path, url: str, count: int, **env: str) -> list[BotProcess]:
    return [
        start_bot(tmp_path / f"replica{n}", KENNIS_DATABASE_URL=url, KENNIS_WORKERS="2", **env)
        for n in range(count)
    ]


def everything_processed(tmp_path: Path, count: int) -> list[str]:
    return [d for n in range(count) for d in processed_ids(tmp_path / f"replica{n}")]


def test_two_replicas_share_the_queue_without_duplicates(tmp_path: Path, postgres_url: str) -> None:
    bots = replicas(tmp_path, postgres_url, 2)
    try:
        ids = [f"d-{n:03d}" for n in range(60)]
        for n, delivery in enumerate(ids):  # round-robin, as a load balancer would
            assert bots[n % 2].post({"test": {}}, delivery=delivery).status == 202
        # A redelivery to the other replica is a duplicate there too: one shared ledger.
        assert bots[1].post({"test": {}}, delivery="d-000").body["duplicate"] is True
        wait_for(lambda: len(everything_processed(tmp_path, 2)) >= 60, timeout=60)
        done = everything_processed(tmp_path, 2)
        assert sorted(done) == ids  # every delivery once, none twice
        assert all(processed_ids(tmp_path / f"replica{n}") for n in range(2))  # both worked
    finally:
        for bot in bots:
            bot.stop()


def test_a_killed_replicas_delivery_is_taken_over_when_its_lease_ends(
    tmp_path: Path, postgres_url: str
) -> None:
    gate = tmp_path / "gate"
    ledger = PostgresLedger(postgres_url)
    env = {"KENNIS_DATABASE_URL": postgres_url, "KENNIS_LEASE_SECONDS": "3"}
    first = start_bot(tmp_path / "replica0", **env)
    assert first.post({"test": {"gate": str(gate)}}, delivery="stuck").status == 202
    wait_for(lambda: (row := ledger.get("stuck")) is not None and row.state == "running")
    second = start_bot(tmp_path / "replica1", **env)
    try:
        first.stop(signal.SIGKILL)  # mid-delivery: its lease is all that is left of it
        gate.touch()
        wait_for(lambda: "stuck" in processed_ids(tmp_path / "replica1"), timeout=30)
        assert everything_processed(tmp_path, 2) == ["stuck"]
        row = ledger.get("stuck")
        assert row is not None and (row.state, row.attempts) == ("done", 2)
    finally:
        second.stop()
        ledger.close()
