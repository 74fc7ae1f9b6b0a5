"""Review requests end to end: the real kennis-bot server over HTTP, the GitHub stand-in, real git.

Rejections of bad signatures, missing signatures, oversized and malformed bodies (401/401/413/400,
nothing recorded) are covered once, in tests/test_bot_server.py. Approvals, the metadata check and
crash/fault recovery have their own modules (test_bot_approvals, test_bot_metadata, test_bot_resilience).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import BASE_PAGES, REPO, World, edit, open_world

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


ALL_FOUR = {
    **edit("content/hr/leave.md"),
    **edit("content/hr/payroll.md"),
    **edit("content/kitchen/close.md"),
    **edit("content/kitchen/open.md"),
}


def test_opened_requests_owners_first_within_the_cap_with_one_comment_and_both_checks(
    world: World,
) -> None:
    number = world.open_pr(ALL_FOUR)
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))

    # zed wrote it (his page goes to co-author frank); owners before co-authors; cap of 4.
    assert world.requested(number) == (["alice", "erin", "frank"], ["kitchen-leads"])
    posts = world.review_posts(number)
    assert len(posts) == 1
    assert posts[0].json == {
        "reviewers": ["erin", "frank", "alice"],
        "team_reviewers": ["kitchen-leads"],
    }
    [comment] = world.comments(number)
    assert comment.user == "kennis-bot[bot]"
    for expected in (
        "changes **4 pages**",
        "Review requested from: @erin, @frank, @alice, @acme/kitchen-leads.",
        "- @zed: wrote this pull request",
        "- @dave: over the limit of 4 reviewers",
        "- @bob: over the limit of 4 reviewers",
        "🔴 overdue since",  # leave.md was last reviewed in 2020
        r"Closing &lt;the&gt; \*kitchen\* &#124; at night",  # a title cannot inject HTML/Markdown
    ):
        assert expected in comment.body
    assert "<the>" not in comment.body
    metadata = world.check(number, "kennis/metadata")
    assert (metadata.status, metadata.conclusion) == ("completed", "success")
    approval = world.check(number, "kennis/owner-approval")
    assert (approval.status, approval.conclusion) == ("in_progress", None)
    assert approval.output["title"] == "Waiting for 4 of 4 pages"


def test_the_same_delivery_twice_and_a_repeat_event_change_nothing(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"))
    world.start()
    first = world.send("pull_request", "opened", number, delivery_id="same-delivery")
    world.wait_done(first)
    writes = len(world.github.writes())
    again = world.sender.send(
        "pull_request",
        "opened",
        repo=REPO,
        number=number,  # type: ignore[union-attr]
        delivery_id="same-delivery",
    )
    assert (again.status, b'"duplicate": true' in again.body) == (202, True)
    world.wait_done(world.send("pull_request", "reopened", number))  # a new id, same state

    assert len(world.review_posts(number)) == 1
    assert len(world.comment_posts(number)) == 1
    assert len(world.comments(number)) == 1
    assert len(world.github.writes()) == writes, "nothing to change, so nothing written"


def test_synchronize_adding_a_page_asks_only_its_owners_and_edits_the_comment(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.requested(number) == (["alice", "bob"], [])
    [before] = world.comments(number)
    before_id, before_body = before.id, before.body

    world.push(number, "feature", edit("content/hr/leave.md"))
    world.wait_done(world.send("pull_request", "synchronize", number))

    assert world.requested(number) == (["alice", "bob", "dave", "erin"], [])
    assert [p.json["reviewers"] for p in world.review_posts(number)] == [
        ["alice", "bob"],
        ["erin", "dave"],
    ]
    [after] = world.comments(number)
    assert after.id == before_id and after.body != before_body
    assert (
        "content/hr/leave.md" in after.body
        and "Review requested from: @erin, @dave, @alice, @bob." in after.body
    )
    assert len(world.comment_posts(number)) == 1


def test_draft_waits_until_ready_for_review(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"), draft=True)
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    assert world.requested(number) == ([], []) and world.comments(number) == []

    with world.github.lock:
        world.github.pull(REPO, number).draft = False
    world.wait_done(world.send("pull_request", "ready_for_review", number))
    assert world.requested(number) == (["alice", "bob"], [])


def test_a_non_collaborator_owner_is_named_and_the_others_are_still_asked(world: World) -> None:
    number = world.open_pr({**edit("content/hr/pension.md"), **edit("content/kitchen/close.md")})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))

    # mallory owns pension.md but has no access: alice is asked, and frank stands in for mallory.
    assert world.requested(number) == (["alice", "bob", "frank"], [])
    [comment] = world.comments(number)
    assert "- @mallory: not a collaborator on this repository" in comment.body
    refused = [
        p
        for p in world.github.requests_to(
            "POST", rf"/repos/{REPO}/pulls/{number}/requested_reviewers"
        )
        if p.status == 422
    ]
    assert len(refused) == 1  # one refusal, then mallory is never tried again

    world.push(number, "feature", edit("content/hr/leave.md"))
    world.wait_done(world.send("pull_request", "synchronize", number))
    assert world.requested(number) == (["alice", "bob", "erin", "frank"], [])
    assert (
        len(
            [
                p
                for p in world.github.requests_to(
                    "POST", rf"/repos/{REPO}/pulls/{number}/requested_reviewers"
                )
                if p.status == 422
            ]
        )
        == 1
    )


def test_someone_who_removed_themselves_is_not_asked_again(world: World) -> None:
    number = world.open_pr(edit("content/kitchen/close.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    with world.github.lock:
        world.github.pull(REPO, number).requested_users.remove("alice")
    alice = {"login": "alice", "id": 1, "type": "User"}
    world.wait_done(
        world.send(
            "pull_request",
            "review_request_removed",
            number,
            sender="alice",
            requested_reviewer=alice,
        )
    )
    # alice is not asked again after a push; bob, the co-author, still is.
    assert world.requested(number) == (["bob"], [])
    world.push(number, "feature", edit("content/kitchen/open.md"))
    world.wait_done(world.send("pull_request", "synchronize", number))
    assert "alice" not in world.requested(number)[0]
    assert "- @alice: was removed from this pull request" in world.comments(number)[0].body


def test_an_overdue_page_gets_a_confirm_box_that_survives_re_rendering(world: World) -> None:
    number = world.open_pr(edit("content/hr/leave.md"))
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    [comment] = world.comments(number)
    box = "- [ ] `content/hr/leave.md` — due 2021-01-01 — confirm: @erin @dave"
    assert (
        box in comment.body and "<!-- kennis:confirm path=content/hr/leave.md -->" in comment.body
    )

    # erin ticks the box; a later push re-renders the comment without unticking it
    with world.github.lock:
        comment.body = comment.body.replace(
            "- [ ] `content/hr/leave.md`", "- [x] `content/hr/leave.md`"
        )
    world.push(
        number, "feature", {"content/hr/notes.md": BASE_PAGES["content/hr/notes.md"] + "\nNew.\n"}
    )
    world.wait_done(world.send("pull_request", "synchronize", number))
    [comment] = world.comments(number)
    assert "- [x] `content/hr/leave.md`" in comment.body
    assert "changes **2 pages**" in comment.body  # the re-render did happen
