"""First-time authors end to end: the welcome in the sticky comment, and the coach asked to review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import BASE_PAGES, REPO, World, open_world

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process

CONFIG = 'max_reviewers: 4\nfallback_owner: "@carol"\nfirst_time_coach: "@dave"\nsite_url: https://kb.acme.example/\n'
BROKEN = BASE_PAGES["content/kitchen/close.md"].replace(
    "---\n#", "review_every: sometimes\n---\n#", 1
)


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    worlds = open_world(tmp_path, github, app_key)
    made = next(worlds)
    made.git.write(".github/kennis.yml", CONFIG)
    made.git.append("content/hr/notes.md", "\nA regular's edit.\n")
    made.git.commit("Regular edit", author="Erin Regular <4242+erin@users.noreply.github.com>")
    github.add_collaborator(REPO, "newbie")
    yield made
    for _ in worlds:  # the rest of open_world: stop the bot
        pass


def test_a_first_time_author_is_welcomed_told_who_what_and_when_and_the_coach_is_asked(
    world: World,
) -> None:
    number = world.open_pr({"content/kitchen/close.md": BROKEN}, author="newbie")
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    [comment] = world.comments(number)
    body = comment.body
    assert body.index("Welcome") < body.index("### Who reviews this change")
    assert "**Who reviews it:** @alice or @bob." in body
    assert "@dave also looks in to help" in body
    assert "`content/kitchen/close.md` line 5: review\\_every" in body
    assert "**When it is live:**" in body and "https://kb.acme.example/" in body
    users, _ = world.requested(number)
    assert "dave" in users


def test_a_known_author_gets_no_welcome_and_no_coach(world: World) -> None:
    number = world.open_pr({"content/kitchen/close.md": BROKEN}, author="erin")
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    [comment] = world.comments(number)
    assert "Welcome" not in comment.body
    assert "dave" not in world.requested(number)[0]
