"""What only the PostgreSQL ledger has: migrations at start, shared by replicas opening at once,
and an unreachable database stopping a command with one line."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import psycopg
import pytest

from review_bot.ledger_pg import MIGRATIONS, PostgresLedger
from tests.botproc import bot_command, bot_env, free_port


def test_replicas_starting_at_once_migrate_the_schema_once(postgres_url: str) -> None:
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            PostgresLedger(postgres_url).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(postgres_url) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM kennis_schema")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


@pytest.mark.slow  # runs kennis-bot
def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql://kennis@127.0.0.1:{free_port()}/kennis"
    env = bot_env(tmp_path / "data", KENNIS_DATABASE_URL=url)
    result = subprocess.run(
        bot_command("deliveries"), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "cannot use KENNIS_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
