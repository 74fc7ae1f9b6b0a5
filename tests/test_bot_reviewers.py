"""Review routing end to end: the real kennis-bot server over HTTP, the GitHub stand-in, real git.

Rejections of bad signatures, missing signatures, oversized and malformed bodies (401/401/413/400,
nothing recorded) are covered once, in tests/test_bot_server.py.
"""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.botproc import SECRET, BotProcess, start_bot, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.state import CheckRun, Comment
from tests.github_standin.webhooks import WebhookSender
from tests.gitrepo import GitRepo

REPO = "acme/kb"
MARKER = "<!-- kennis:reviewers -->"
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "zed"]


def page(title: str, owner: str, coauthors: list[str] | None = None, **extra: str) -> str:
    lines = [f"title: {title}", f'owner: "{owner}"']
    if coauthors is not None:
        lines.append("coauthors: [" + ", ".join(f'"{c}"' for c in coauthors) + "]")
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "---\n" + "\n".join(lines) + f"\n---\n# {title}\n\nText.\n"


BASE_PAGES = {
    ".github/kennis.yml": 'max_reviewers: 4\nfallback_owner: "@carol"\n',
    "content/hr/notes.md": page("Notes", "@zed"),
    "content/hr/leave.md": page("Leave", "@erin", ["@dave"], reviewed="2020-01-01"),
    "content/hr/payroll.md": page("Payroll", "@zed", ["@frank"]),
    "content/hr/pension.md": page("Pension", "@mallory", ["@frank"]),
    "content/kitchen/close.md": page("Closing <the> *kitchen* | at night", "@alice", ["@bob"]),
    "content/kitchen/open.md": page("Opening", "@acme/kitchen-leads"),
}


class World:
    """A knowledge-base repository on disk, known to the stand-in, and a running bot."""

    def __init__(self, root: Path, github: GitHubStandIn, app_key: AppKey) -> None:
        self.root = root
        self.github = github
        self.app_key = app_key
        self.git = GitRepo(root / "origin")
        for path, text in BASE_PAGES.items():
            self.git.write(path, text)
        self.base = self.git.commit("Knowledge base", date="2025-06-01T10:00:00+00:00")
        github.add_repo(REPO, clone_url=self.git.root.resolve().as_uri())
        for login in PEOPLE:
            github.add_collaborator(REPO, login)
        github.add_team("acme", "kitchen-leads", ["gina", "hank"])
        self.bot: BotProcess | None = None
        self.sender: WebhookSender | None = None

    # -- git and the stand-in ------------------------------------------------------------------
    def _commit_on(self, branch: str, edits: Mapping[str, str | None], new: bool) -> str:
        self.git.git("checkout", "-q", *(["-b", branch, "main"] if new else [branch]))
        for path, text in edits.items():
            if text is None:
                self.git.rm(path)
            else:
                self.git.write(path, text)
        sha = self.git.commit(f"Edit on {branch}")
        self.git.git("checkout", "-q", "main")
        return sha

    def open_pr(
        self,
        edits: Mapping[str, str | None],
        *,
        branch: str = "feature",
        author: str = "zed",
        draft: bool = False,
    ) -> int:
        sha = self._commit_on(branch, edits, new=True)
        number = self.github.add_pr(REPO, author=author, head_ref=branch, draft=draft).number
        self.git.git("update-ref", f"refs/pull/{number}/head", sha)
        return number

    def push(self, number: int, branch: str, edits: Mapping[str, str | None]) -> str:
        sha = self._commit_on(branch, edits, new=False)
        self.git.git("update-ref", f"refs/pull/{number}/head", sha)
        with self.github.lock:
            self.github.pull(REPO, number).head_sha = sha
            self.github.repo(REPO)._sha_cache.clear()
        return sha

    # -- the bot -------------------------------------------------------------------------------
    def start(self) -> BotProcess:
        self.bot = start_bot(
            self.root / "data",
            KENNIS_APP_ID=str(self.app_key.app_id),
            KENNIS_PRIVATE_KEY=self.app_key.private_key_pem,
            KENNIS_GITHUB_API_URL=self.github.base_url,
            KENNIS_GITHUB_WRITE_PAUSE="0",  # production waits a second between writes
        )
        self.sender = WebhookSender(
            f"http://127.0.0.1:{self.bot.port}/webhook", SECRET, self.github
        )
        return self.bot

    def send(
        self,
        event: str,
        action: str,
        number: int,
        *,
        sender: str | None = None,
        delivery_id: str | None = None,
        **overrides: Any,
    ) -> str:
        assert self.sender is not None
        sent = self.sender.send(
            event,
            action,
            repo=REPO,
            number=number,
            sender=sender,
            delivery_id=delivery_id,
            overrides=overrides or None,
        )
        assert sent.status == 202, sent.body
        return sent.delivery_id

    def states(self) -> dict[str, str]:
        db = sqlite3.connect(f"file:{self.root / 'data' / 'ledger.sqlite3'}?mode=ro", uri=True)
        try:
            return dict(db.execute("SELECT id, state FROM deliveries").fetchall())
        finally:
            db.close()

    def wait_done(self, *ids: str, timeout: float = 60) -> None:
        def done() -> bool:
            states = self.states()
            dead = [i for i in ids if states.get(i) == "dead"]
            assert not dead, f"dead deliveries {dead}:\n{self.bot.log() if self.bot else ''}"
            return all(states.get(i) == "done" for i in ids)

        wait_for(done, timeout=timeout)

    # -- what GitHub now shows -----------------------------------------------------------------
    def requested(self, number: int) -> tuple[list[str], list[str]]:
        pull = self.github.pull(REPO, number)
        return sorted(pull.requested_users), sorted(pull.requested_teams)

    def comments(self, number: int) -> list[Comment]:
        return [c for c in self.github.issue(REPO, number).comments if MARKER in c.body]

    def check(self, number: int, name: str) -> CheckRun:
        sha = self.github.pull(REPO, number).head_sha
        runs = [
            r
            for r in self.github.repo(REPO).check_runs.values()
            if r.head_sha == sha and r.name == name
        ]
        assert runs, f"no {name} check run for {sha}"
        return max(runs, key=lambda r: r.id)

    def review_posts(self, number: int) -> list[Any]:
        return [
            r
            for r in self.github.requests_to(
                "POST", rf"/repos/{REPO}/pulls/{number}/requested_reviewers"
            )
            if r.status == 201
        ]

    def comment_posts(self, number: int) -> list[Any]:
        return [
            r
            for r in self.github.requests_to("POST", rf"/repos/{REPO}/issues/{number}/comments")
            if r.status == 201
        ]

    def approve(self, number: int, login: str) -> None:
        client = Github(
            auth=Auth.Token(self.github.user_token(login)), base_url=self.github.base_url
        )
        client.get_repo(REPO).get_pull(number).create_review(event="APPROVE")


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    made = World(tmp_path, github, app_key)
    yield made
    if made.bot is not None:
        made.bot.stop(signal.SIGKILL)


def edit(path: str, **changes: Any) -> dict[str, str]:
    """The base version of a page with an extra paragraph (or other front matter)."""
    text = BASE_PAGES[path]
    if changes:
        text = page(**changes)
    return {path: text + "\nMore text.\n"}


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


def test_content_errors_are_annotated_at_file_and_line(world: World) -> None:
    broken = '---\ntitle: Broken\nowner: "@alice"\nreview_every: sometimes\n---\n# Broken\n'
    number = world.open_pr({"content/kitchen/close.md": broken})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    run = world.check(number, "kennis/metadata")
    assert (run.status, run.conclusion) == ("completed", "failure")
    [note] = run.annotations
    assert (note["path"], note["start_line"], note["annotation_level"]) == (
        "content/kitchen/close.md",
        4,
        "failure",
    )


def test_sixty_problems_go_out_in_batches_of_fifty(world: World) -> None:
    broken = '---\ntitle: Broken\nowner: "@alice"\nreview_every: sometimes\n---\n# Broken\n'
    number = world.open_pr({f"content/bulk/page-{i:02d}.md": broken for i in range(60)})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    run = world.check(number, "kennis/metadata")
    assert (run.conclusion, len(run.annotations), run.output["title"]) == (
        "failure",
        60,
        "60 problems to fix in page settings",
    )
    sizes = [
        len((r.json.get("output") or {}).get("annotations") or [])
        for r in world.github.requests
        if "check-runs" in r.path
        and r.method in ("POST", "PATCH")
        and r.json.get("name", "kennis/metadata") == "kennis/metadata"
        and r.json.get("output")
    ]
    assert max(sizes) <= 50 and sum(sizes) == 60


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
