"""Review routing survives a SIGKILL with deliveries queued and GitHub calls failing."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import World, edit, open_world

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def _many_prs(world: World, count: int) -> list[int]:
    [(path, text)] = edit("content/kitchen/close.md").items()
    return [world.open_pr({path: text + f"\nEdit {i}.\n"}, branch=f"f{i}") for i in range(count)]


def test_sigkill_with_100_deliveries_queued_loses_and_repeats_nothing(world: World) -> None:
    numbers = _many_prs(world, 20)
    bot = world.start()
    ids = [
        world.send("pull_request", action, n)
        for action in ("opened", "synchronize", "reopened", "ready_for_review", "opened")
        for n in numbers
    ]
    assert len(ids) == 100
    bot.stop(signal.SIGKILL)
    assert sum(s == "done" for s in world.states().values()) < 100

    world.start()
    world.wait_done(*ids, timeout=120)
    for n in numbers:
        assert world.requested(n) == (["alice", "bob"], [])
        assert len(world.review_posts(n)) == 1, n
        assert len(world.comments(n)) == 1 and len(world.comment_posts(n)) == 1, n
        assert world.check(n, "kennis/metadata").conclusion == "success"


def test_thirty_percent_of_github_calls_failing_still_ends_right(world: World) -> None:
    numbers = _many_prs(world, 5)
    world.github.faults.add("*", r".*", "5xx", share=0.2)
    world.github.faults.add("*", r".*", "secondary_rate_limit", share=0.125, retry_after=1)
    world.start()
    ids = [world.send("pull_request", "opened", n) for n in numbers]
    ids += [world.send("pull_request", "synchronize", n) for n in numbers]
    world.wait_done(*ids, timeout=180)

    failed = [r for r in world.github.requests if r.status >= 500 or r.status == 403]
    assert len(failed) / len(world.github.requests) > 0.15, "the faults really happened"
    for n in numbers:
        assert world.requested(n) == (["alice", "bob"], [])
        assert len(world.review_posts(n)) == 1, n
        assert len(world.comments(n)) == 1 and len(world.comment_posts(n)) == 1, n
        assert world.check(n, "kennis/owner-approval").output["title"] == "Waiting for 1 of 1 page"
