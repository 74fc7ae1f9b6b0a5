"""End to end: the review-due scan keeps one issue per owner, within the API budget, on a schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.duebot import (
    EXPECTED,
    REPO,
    content_writes,
    listed,
    make_world,
    open_issues,
    scan,
)


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_scan_lists_exactly_the_due_pages_per_owner_and_a_second_scan_writes_nothing(
    world: dict[str, Any], github: Any
) -> None:
    first = scan(world)
    assert first.returncode == 0, first.stderr
    issues = open_issues(github)
    assert {owner: listed(issue) for owner, issue in issues.items()} == EXPECTED
    assert issues["@alice"].assignees == ["alice"]
    assert issues["@acme/ops"].assignees == []  # a team is mentioned, not assigned
    assert "@acme/ops, these pages" in issues["@acme/ops"].body
    assert "escalated from @dave (no longer has access" in issues["@erin"].body
    assert "[Old](https://kb.example.com/old/) — `content/old.md` — due 2025-07-10" in (
        issues["@alice"].body
    )
    assert "— due 2025-07-01 (243 days overdue)" in issues["@carol"].body  # from git history
    github.clear_log()
    second = scan(world)
    assert second.returncode == 0, second.stderr
    assert content_writes(github) == []
    assert "no writes" in second.stdout


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_running_out_of_api_budget_reports_incomplete_and_the_next_scan_resumes(
    world: dict[str, Any], github: Any
) -> None:
    github.faults.add(
        "POST", rf"/repos/{REPO}/issues", "primary_rate_limit", count=1, retry_after=3600
    )
    first = scan(world)
    assert first.returncode == 3
    assert "incomplete" in first.stdout and "resumes next time" in first.stderr
    second = scan(world)
    assert second.returncode == 0, second.stderr
    assert {owner: listed(issue) for owner, issue in open_issues(github).items()} == EXPECTED


def test_the_schedule_queues_one_durable_scan_per_period(tmp_path: Path) -> None:
    from review_bot.ledger import Ledger
    from review_bot.review_due import SCAN_EVENT, enqueue_scan

    ledger = Ledger(tmp_path / "ledger.sqlite3")
    every = 6 * 3600.0
    start = 1_772_323_200.0  # 2026-03-01T00:00:00Z, a period boundary
    assert enqueue_scan(ledger, every, now=start + 10)
    assert not enqueue_scan(ledger, every, now=start + 3600)  # same period: deduplicated
    assert enqueue_scan(ledger, every, now=start + every + 1)  # the next period
    rows = ledger.recent(None, 10)
    assert sorted(r.id for r in rows) == [
        f"kennis-scan-{int(start)}",
        f"kennis-scan-{int(start + every)}",
    ]
    assert {r.event for r in rows} == {SCAN_EVENT}
