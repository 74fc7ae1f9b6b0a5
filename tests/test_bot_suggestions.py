"""Suggested fixes end to end: the real bot, real git and the stand-in's create-review endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import REPO, World, open_world

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process

PAGE = (
    "---\nowner: @bob\nreviewed: 18/08/2026\nreview_every: 6 maanden\ntype: podcastt\n"
    "title: Kitchen radio\n---\n# Kitchen radio\n\nText.\n"
)
FIXED = {
    2: 'owner: "@bob"',
    3: "reviewed: 2026-08-18",
    4: "review_every: 6 months",
    5: "type: podcast",
}


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def bot_reviews(world: World, number: int) -> list:
    return [r for r in world.github.pull(REPO, number).reviews if r.comments]


def test_four_mistakes_get_one_review_with_four_suggestions_and_no_repeat(world: World) -> None:
    number = world.open_pr({"content/kitchen/radio.md": PAGE})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    [review] = bot_reviews(world, number)
    assert review.state == "COMMENTED"
    assert [(c["path"], c["line"], c["side"]) for c in review.comments] == [
        ("content/kitchen/radio.md", line, "RIGHT") for line in (2, 3, 4, 5)
    ]
    for comment in review.comments:
        assert f"```suggestion\n{FIXED[comment['line']]}\n```" in comment["body"]
    # the same push delivered again, then a push that leaves those lines alone: nothing new
    world.wait_done(world.send("pull_request", "synchronize", number))
    world.push(number, "feature", {"content/kitchen/other.md": "# Other\n\nText.\n"})
    world.wait_done(world.send("pull_request", "synchronize", number))
    assert len(bot_reviews(world, number)) == 1
    assert len(world.github.requests_to("POST", rf"/repos/{REPO}/pulls/{number}/reviews")) == 1


def test_a_correct_page_gets_no_review(world: World) -> None:
    good = '---\ntitle: Fine\nowner: "@bob"\nreviewed: 2026-08-18\n---\n# Fine\n'
    number = world.open_pr({"content/kitchen/fine.md": good})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.github.requests_to("POST", rf"/repos/{REPO}/pulls/{number}/reviews") == []
