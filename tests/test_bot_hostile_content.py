"""Hostile pull-request content against the real bot, the GitHub stand-in and real git (issue 12).

Dates past the calendar, links, odd file names and ``/verify`` arguments written to ping a team:
each delivery ends ``done`` with the metadata check saying what is wrong, and nothing the bot
echoes mentions anyone, links an issue or breaks the comment's table.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botproc import wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.markdown import mentions, references
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import REPO, World, edit, open_world, page

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def _replies(world: World, number: int) -> list[str]:
    issue = world.github.issue(REPO, number)
    return [c.body for c in issue.comments if c.user.endswith("[bot]") and "verify-reply" in c.body]


def test_a_page_reviewed_on_9999_12_31_gets_the_metadata_check_with_the_error(
    world: World,
) -> None:
    far = page("Far", "@alice", reviewed="9999-12-31")
    number = world.open_pr({"content/kitchen/far.md": far})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))  # fails if it ends dead

    metadata = world.check(number, "kennis/metadata")
    assert (metadata.status, metadata.conclusion) == ("completed", "failure")
    [note] = metadata.annotations
    assert (note["path"], note["start_line"]) == ("content/kitchen/far.md", 4)
    assert note["message"].startswith("reviewed: the due date cannot be computed")
    [comment] = world.comments(number)
    assert "content/kitchen/far.md" in comment.body


def test_the_metadata_check_is_posted_even_when_a_later_step_of_the_delivery_fails(
    world: World,
) -> None:
    broken = page("Broken", "@alice", review_every="sometimes")
    number = world.open_pr({"content/kitchen/broken.md": broken})
    world.github.faults.add("GET", rf"/repos/{REPO}/pulls/{number}/reviews", "5xx", share=1.0)
    world.start()
    world.send("pull_request", "opened", number)

    def metadata() -> object:
        runs = world.github.repo(REPO).check_runs.values()
        return next((r for r in runs if r.name == "kennis/metadata"), None)

    run = wait_for(metadata, timeout=30)
    assert run.conclusion == "failure"
    assert run.annotations[0]["message"].startswith("review_every:")
    assert world.comments(number) == []  # the step that failed came later


def test_a_symlink_in_a_pull_request_fails_the_metadata_check_naming_it(world: World) -> None:
    git = world.git
    git.git("checkout", "-q", "-b", "links", "main")
    os.symlink("/etc/passwd", git.root / "content/kitchen/passwd.md")
    sha = git.commit("Add a link")
    git.git("checkout", "-q", "main")
    number = world.github.add_pr(REPO, author="zed", head_ref="links").number
    git.git("update-ref", f"refs/pull/{number}/head", sha)
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))

    metadata = world.check(number, "kennis/metadata")
    assert metadata.conclusion == "failure"
    [note] = metadata.annotations
    assert note["path"] == "content/kitchen/passwd.md"
    assert note["message"].startswith("this is a symbolic link, not a regular file")
    assert "root:" not in str(metadata.output)


def test_a_file_name_with_a_newline_keeps_the_comment_table_whole(world: World) -> None:
    odd = "content/kitchen/two\n| @acme/kitchen-leads | #1 |.md"
    number = world.open_pr({odd: page("Odd", "@alice"), **edit("content/kitchen/close.md")})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))

    [comment] = world.comments(number)
    rows = [line for line in comment.body.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 2, comment.body  # head, rule, and one row per page
    assert all(line.endswith("|") and line.count(" | ") == 4 for line in rows[2:]), rows
    assert "acme/kitchen-leads" not in mentions(comment.body) and references(comment.body) == []
    metadata = world.check(number, "kennis/metadata")
    assert metadata.conclusion == "failure"
    assert "the file or folder name contains" in metadata.annotations[0]["message"]
    assert mentions(metadata.output.get("text", "")) == []


def test_a_verify_argument_written_to_ping_a_team_is_echoed_without_a_mention(
    world: World,
) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    body = "/verify a`@acme/kitchen-leads`b #1 content/kitchen/close.md"
    world.wait_done(
        world.send(
            "issue_comment", "created", number, sender="mallory", comment={"id": 901, "body": body}
        )
    )

    [reply] = _replies(world, number)
    assert "@mallory" in reply  # the person who asked is answered
    assert "acme/kitchen-leads" in reply  # the argument is shown…
    assert "acme/kitchen-leads" not in mentions(reply)  # …but does not ping the team
    assert references(reply) == []


def test_a_bare_verify_by_the_owner_on_a_pull_request_adding_a_page_says_none_is_needed(
    world: World,
) -> None:
    new = page("Allergens", "@alice")
    number = world.open_pr({"content/kitchen/allergens.md": new})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    world.wait_done(
        world.send(
            "issue_comment",
            "created",
            number,
            sender="alice",
            comment={"id": 902, "body": "/verify"},
        )
    )

    [reply] = _replies(world, number)
    assert "Only a page's owner" not in reply
    assert "new pages need no confirmation" in reply
    assert "content/kitchen/allergens.md" in reply
