"""Owner approvals end to end: who may approve, team members, dismissals and approvals of an earlier version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import REPO, World, edit, open_world, page

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def test_changing_the_owner_needs_the_previous_owner_to_approve(world: World) -> None:
    handover = {"content/kitchen/close.md": page("Closing", "@bob", [])}
    number = world.open_pr(handover)
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.requested(number) == (["alice", "bob"], [])
    assert world.check(number, "kennis/owner-approval").conclusion is None

    world.approve(number, "bob")  # bob is a co-author on the base side: not enough alone
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="bob"))
    approval = world.check(number, "kennis/owner-approval")
    assert (approval.status, approval.conclusion) == ("in_progress", None)
    assert "@alice (current owner, owners change)" in (approval.output["text"] or "")

    world.approve(number, "alice")
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="alice"))
    approval = world.check(number, "kennis/owner-approval")
    assert (approval.status, approval.conclusion) == ("completed", "success")
    [comment] = world.comments(number)
    assert "✅ approved by @alice, @bob" in comment.body


AUTHOR_CASES = {
    # zed owns notes.md alone and cannot approve his own pull request: carol, the fallback, can.
    "author-is-the-only-owner": ("zed", edit("content/hr/notes.md"), ["carol"], "carol"),
    # alice hands her page to bob: opening the pull request is her consent; bob's approval counts.
    "author-hands-over-her-page": (
        "alice",
        {"content/kitchen/close.md": page("Closing", "@bob", [])},
        ["bob"],
        "bob",
    ),
}


@pytest.mark.parametrize("case", AUTHOR_CASES.values(), ids=AUTHOR_CASES.keys())
def test_pages_of_the_author_can_still_be_approved(world: World, case: tuple[Any, ...]) -> None:
    author, edits, expected, approver = case
    number = world.open_pr(edits, author=author)
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.requested(number) == (expected, [])
    world.approve(number, approver)
    world.wait_done(world.send("pull_request_review", "submitted", number, sender=approver))
    assert world.check(number, "kennis/owner-approval").conclusion == "success"


def test_a_team_member_approving_approves_the_teams_page(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/open.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.requested(number) == ([], ["kitchen-leads"])
    world.github.add_collaborator(REPO, "gina")
    world.approve(number, "gina")
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="gina"))
    assert world.check(number, "kennis/owner-approval").conclusion == "success"


def test_a_dismissed_approval_no_longer_counts(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    world.approve(number, "alice")
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="alice"))
    assert world.check(number, "kennis/owner-approval").conclusion == "success"

    with world.github.lock:
        world.github.pull(REPO, number).reviews[-1].state = "DISMISSED"
    world.wait_done(world.send("pull_request_review", "dismissed", number, sender="carol"))
    approval = world.check(number, "kennis/owner-approval")
    assert (approval.status, approval.conclusion) == ("in_progress", None)
    assert "⏳ waiting for @alice or @bob" in world.comments(number)[0].body


STALE_CASES = {
    # (the page a later push edits, is alice's approval of close.md still good)
    "push-to-her-page-makes-it-stale": ("content/kitchen/close.md", False),
    "push-to-another-page-keeps-it": ("content/hr/leave.md", True),
}


@pytest.mark.parametrize("case", STALE_CASES.values(), ids=STALE_CASES.keys())
def test_an_approval_covers_the_version_approved(world: World, case: tuple[Any, ...]) -> None:
    later, still_good = case
    number = world.open_pr({**edit("content/kitchen/close.md"), **edit("content/hr/leave.md")})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    world.approve(number, "alice")
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="alice"))
    assert (
        world.check(number, "kennis/owner-approval").output["title"] == "Waiting for 1 of 2 pages"
    )
    assert world.requested(number) == (["bob", "dave", "erin"], [])

    world.push(number, "feature", {later: edit(later)[later] + "\nAnd a later edit.\n"})
    world.wait_done(world.send("pull_request", "synchronize", number))
    approval = world.check(number, "kennis/owner-approval")
    lines = (approval.output["text"] or "").splitlines()
    [comment] = world.comments(number)
    assert (approval.status, approval.conclusion) == ("in_progress", None)
    if still_good:
        assert approval.output["title"] == "Waiting for 1 of 2 pages"
        assert "- ✅ `content/kitchen/close.md`: approved by @alice" in lines
        assert "✅ approved by @alice" in comment.body
        assert world.requested(number) == (["bob", "dave", "erin"], [])
        return
    assert approval.output["title"] == "Waiting for 2 of 2 pages"
    assert (
        "- ⏳ `content/kitchen/close.md`: needs @alice or @bob (@alice approved an earlier version)"
    ) in lines
    assert "⏳ waiting for @alice or @bob" in comment.body and "✅" not in comment.body
    assert "@alice approved an earlier version; the page changed since" in comment.body
    assert world.requested(number) == (["alice", "bob", "dave", "erin"], [])  # asked again

    world.approve(number, "alice")  # on the new head
    world.wait_done(world.send("pull_request_review", "submitted", number, sender="alice"))
    assert (
        "- ✅ `content/kitchen/close.md`: approved by @alice"
        in (world.check(number, "kennis/owner-approval").output["text"] or "").splitlines()
    )
