"""End to end: with ``language: nl`` in kennis.yml the App writes Dutch, and Dutch ticks still confirm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.botproc import SECRET, start_bot
from tests.duebot import (
    CONFIG,
    FILES,
    REPO,
    git,
    listed,
    make_world,
    open_issues,
    pulls,
    scan,
    settled,
)
from tests.gitrepo import GitRepo
from tests.reviewworld import BASE_PAGES, World, edit, open_world

pytestmark = pytest.mark.slow  # runs kennis-bot processes against the stand-in

DUTCH = {**FILES, ".github/kennis.yml": CONFIG + "language: nl\n"}


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def test_the_sticky_comment_and_the_checks_speak_dutch(world: World) -> None:
    config = BASE_PAGES[".github/kennis.yml"] + "language: nl\n"
    world.git.write(".github/kennis.yml", config)
    world.git.commit("Dutch, please", date="2025-06-02T10:00:00+00:00")
    # leave.md was last reviewed in 2020: overdue, so the comment also asks to confirm it.
    number = world.open_pr({**edit("content/hr/leave.md"), **edit("content/kitchen/close.md")})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    [comment] = world.comments(number)
    body = comment.body
    for dutch in (
        "### Wie beoordeelt deze wijziging",
        "Deze pull request wijzigt **2 pagina's**.",
        "### 👋 Welkom, en bedankt",  # zed has never written here before
        "**Wie het beoordeelt:** @erin of @dave of @alice of @bob.",
        "Beoordeling gevraagd aan: @erin, @dave, @alice, @bob.",
        "| Pagina | Eigenaar | Medeauteurs | Beoordeling | Actualiteit |",
        "(bewerkt)",
        "⏳ wacht op @erin of @dave",
        "🔴 te laat sinds 1 januari 2021",
        "**Klopt het nog?**",
        "— te beoordelen op 1 januari 2021 — bevestigen: @erin @dave",
        "kennis werkt deze reactie bij",
    ):
        assert dutch in body, f"{dutch!r} missing from:\n{body}"
    for english in (
        "Who reviews",
        "This pull request changes",
        "Review requested from",
        "waiting for",
        "overdue since",
        "Still accurate?",
        "kennis updates this comment",
        "Welcome",
    ):
        assert english not in body, f"{english!r} in:\n{body}"
    assert "<!-- kennis:reviewers -->" in body  # the markers stay as they are
    assert "<!-- kennis:confirm path=content/hr/leave.md -->" in body
    approval = world.check(number, "kennis/owner-approval")
    assert approval.output["title"] == "Wacht op 2 van 2 pagina's"
    assert "- ⏳ `content/hr/leave.md`: wacht op @erin of @dave" in approval.output["text"]
    assert world.check(number, "kennis/metadata").output["title"] == (
        "De pagina-instellingen zijn in orde"
    )


def _tick(world: dict[str, Any], github: Any, webhook_sender: Any, issue: Any, line: str) -> None:
    """Alice ticks the box of *line* in her issue; the bot gets the edit."""
    old_body = issue.body
    assert f"- [ ] {line}" in old_body, old_body
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    as_alice.get_repo(REPO).get_issue(issue.number).edit(
        body=old_body.replace(f"- [ ] {line}", f"- [x] {line}")
    )
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        payload = sender.payload(
            "issues",
            "edited",
            repo=REPO,
            number=issue.number,
            sender="alice",
            overrides={"changes": {"body": {"from": old_body}}},
        )
        sender.send("issues", payload=payload)
        settled(bot, 1)
    finally:
        bot.stop()


def test_the_review_due_issue_is_dutch_and_a_tick_in_it_confirms(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any
) -> None:
    world = make_world(tmp_path, github, app_key, DUTCH)
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    assert issue.title == "Beoordeling nodig: pagina's van @alice"
    body = issue.body
    for dutch in (
        "@alice, deze pagina's moeten beoordeeld worden.",
        "[Old](https://kb.example.com/old/) — `content/old.md` — te beoordelen op 10 juli 2025"
        " (234 dagen te laat)",
        "— te beoordelen op 1 februari 2026 (28 dagen te laat)",
        "archiveren (blijft bewaard voor de geschiedenis)",
        "1 maand uitstellen",
        "**Alle** pagina's op deze lijst **bevestigen**",
        "_Stand van zaken op 1 maart 2026._",
    ):
        assert dutch in body, f"{dutch!r} missing from:\n{body}"
    for english in ("these pages are due", "due 2025", "days overdue", "archive (", "Confirm all"):
        assert english not in body, f"{english!r} in:\n{body}"
    assert "escalated" not in open_issues(github)["@erin"].body
    assert "doorgezet van @dave (heeft geen toegang meer tot deze repository)" in (
        open_issues(github)["@erin"].body
    )
    _tick(world, github, webhook_sender, issue, "[Due]")
    [pr] = pulls(github)
    assert git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split() == [
        "content/due.md"
    ]
    assert 'reviewed_by: "@alice"' in git(
        world["remote"], "show", f"{pr.pull.head_ref}:content/due.md"
    )


def test_an_english_issue_still_confirms_after_the_switch_and_the_next_scan_rewrites_it(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any
) -> None:
    world = make_world(tmp_path, github, app_key)
    assert scan(world).returncode == 0
    work = GitRepo(tmp_path / "work", init=False)
    git(tmp_path, "clone", "-q", str(world["remote"]), str(work.root))
    work.write(".github/kennis.yml", DUTCH[".github/kennis.yml"])
    work.commit("Dutch, please", date="2026-02-20T10:00:00+00:00")
    work.git("push", "-q", "origin", "HEAD:main")
    english = open_issues(github)["@alice"]
    assert english.title == "Review due: pages owned by @alice"
    _tick(world, github, webhook_sender, english, "[Due]")
    [pr] = pulls(github)
    assert git(world["remote"], "diff", "--name-only", "main", pr.pull.head_ref).split() == [
        "content/due.md"
    ]
    assert scan(world).returncode == 0
    dutch = open_issues(github)["@alice"]
    assert dutch.number == english.number  # the same issue, rewritten
    assert dutch.title == "Beoordeling nodig: pagina's van @alice"
    assert "- [x] [Due](https://kb.example.com/due/)" in dutch.body  # the tick survives
    assert "te beoordelen op" in dutch.body and "these pages are due" not in dutch.body
    assert listed(dutch) == ["content/old.md", "content/due.md", "content/soon.md"]
