"""End to end: with ``language: nl`` in kennis.yml the App writes Dutch, and Dutch ticks still confirm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.botproc import SECRET, start_bot, wait_for
from tests.duebot import (
    CONFIG,
    FILES,
    REPO,
    git,
    listed,
    make_world,
    merge,
    open_issues,
    pulls,
    scan,
    settled,
)
from tests.feedbackworld import EXPENSES, PAGE, SITE, feedback_issues, send
from tests.gitrepo import GitRepo
from tests.reviewworld import BASE_PAGES, World, edit, open_world
from tests.sitebot import REPO as SITE_REPO
from tests.sitebot import SiteBot, deploy_first, make_site_repo

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
    assert pr.title == "Bevestigen dat pagina's nog kloppen (@alice)"
    assert "@alice heeft bevestigd dat deze pagina's nog kloppen" in pr.body
    log = git(world["remote"], "log", "--format=%B", "-1", pr.pull.head_ref)
    assert log.startswith("Bevestig dat content/due.md nog klopt\n\nBevestigd door @alice (#")
    assert "Confirmed-by: alice <alice@users.noreply.github.com>" in log  # the trailer stays
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


def test_replies_and_the_closing_thanks_are_dutch(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any
) -> None:
    world = make_world(tmp_path, github, app_key, DUTCH)
    assert scan(world).returncode == 0
    issue = open_issues(github)["@carol"]
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        for id_, who, body in (
            (601, "mallory", "/verify content/nodate.md"),
            (602, "carol", "/snooze content/nodate.md"),
            (603, "carol", "/verify content/nodate.md"),
        ):
            comment = {"comment": {"id": id_, "body": body}}
            sender.send(
                "issue_comment",
                payload=sender.payload(
                    "issue_comment",
                    "created",
                    repo=REPO,
                    number=issue.number,
                    sender=who,
                    overrides=comment,
                ),
            )
        settled(bot, 3)
    finally:
        bot.stop()
    replies = [
        c.body for c in github.issue(REPO, issue.number).comments if c.user.endswith("[bot]")
    ]
    assert len(replies) == 2, replies
    stranger = next(r for r in replies if "@mallory" in r)
    assert "@mallory, bedankt voor het nakijken!" in stranger
    assert "- `content/nodate.md`: @carol" in stranger
    bad = next(r for r in replies if r is not stranger)
    assert "@carol, kennis kon deze opdracht niet lezen:" in bad
    assert "zeg voor hoe lang: `/snooze <pagina> <periode>`" in bad
    [pr] = pulls(github)
    merge(world["remote"], pr)
    assert scan(world).returncode == 0
    closed = github.issue(REPO, issue.number)
    assert closed.state == "closed"
    assert closed.body.startswith("<!-- kennis:review-due owner=@carol -->\n@carol, bedankt!")


def test_reader_feedback_is_acknowledged_and_filed_in_dutch(
    tmp_path: Path, github: Any, app_key: Any
) -> None:
    origin = make_site_repo(tmp_path / "origin")
    origin.write(f"content/{PAGE}", EXPENSES)
    origin.write(".github/kennis.yml", "content_dir: content\nlanguage: nl\n")
    origin.commit("Expenses FAQ, in a Dutch knowledge base")
    github.add_repo(SITE_REPO, clone_url=f"file://{origin.root}")
    github.add_collaborator(SITE_REPO, "sam-okafor")
    site = SiteBot(github, origin, tmp_path / "data", app_key)
    site.env = dict(KENNIS_SITE_URL=SITE, KENNIS_FEEDBACK_WRITE_EVERY="1")
    site.start()
    try:
        deploy_first(site)
        first = send(site, {"page": PAGE, "kind": "outdated", "comment": "De termijn is 60 dagen"})
        assert first.status == 202, first.body
        assert first.body["message"] == "Bedankt — @sam-okafor krijgt dit te zien"
        assert send(site, {"page": PAGE, "kind": "outdated"}).status == 202

        def filed() -> Any:
            found = feedback_issues(site)
            body = found[0].body if len(found) == 1 else ""
            return found[0] if "| verouderd | 2 |" in body and found[0].comments else None

        issue = wait_for(filed, timeout=30)
    finally:
        if site.bot is not None:
            site.bot.stop()
    assert issue.title == f"Feedback van lezers: content/{PAGE}"
    assert "Feedback van lezers op [`content/ops/expenses-faq.md`](" in issue.body
    assert "), voor de eigenaar @sam-okafor." in issue.body
    assert "**Als verouderd gemeld** door 2 collega's" in issue.body
    assert "Een lezer (verouderd, " in issue.comments[0].body
    assert "> De termijn is 60 dagen" in issue.comments[0].body
