"""End to end: the App records reviews of knowledge PRs for the Contributors page, once each."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kennis.reviews import read_resolved, read_reviews
from review_bot.credit import record, resolver, reviews_file
from tests.botproc import SECRET, bot_command, bot_env, start_bot
from tests.duebot import REPO, make_world, settled
from tests.sitekit import build, make_kb
from tests.test_bot_nudges import _open_pr
from tests.test_site_upkeep import _row
from tests.test_workflows import load


@pytest.fixture
def world(tmp_path: Path, github: Any, app_key: Any) -> dict[str, Any]:
    return make_world(tmp_path, github, app_key)


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_reviews_of_knowledge_prs_are_recorded_once_and_others_not_at_all(
    world: dict[str, Any], github: Any, webhook_sender: Any
) -> None:
    number = _open_pr(world, github, "content/fresh.md", "edit-fresh")
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        sent, payloads = [], []
        for login, state in (
            ("alice", "approved"),
            ("mallory", "approved"),
            ("carol", "dismissed"),
        ):
            review = {
                "user": {"login": login},
                "state": state,
                "submitted_at": "2026-03-02T10:00:00Z",
            }
            payload = sender.payload(
                "pull_request_review",
                "submitted",
                repo=REPO,
                number=number,
                sender=login,
                overrides={"review": review},
            )
            payloads.append(payload)
            sent.append(sender.send("pull_request_review", payload=payload))
        first = payloads[0]
        sender.send("pull_request_review", payload=first, delivery_id=sent[0].delivery_id)
        sender.send("pull_request_review", payload=first)  # GitHub sends it again, new delivery
        settled(bot, 4)
    finally:
        bot.stop()
    raw = reviews_file(world["data"], REPO).read_bytes()
    assert read_reviews(raw, "reviews") == {"alice": 1}  # the author's own, a dismissal: no credit


@pytest.mark.slow  # runs kennis-bot against the stand-in
def test_kennis_bot_reviews_writes_the_reviews_file_from_the_api(
    world: dict[str, Any], github: Any, tmp_path: Path
) -> None:
    number = _open_pr(world, github, "content/fresh.md", "edit-fresh")
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    as_alice.get_repo(REPO).get_pull(number).create_review(event="APPROVE", body="Good")
    out = tmp_path / "reviews.json"
    env = bot_env(
        world["data"],
        KENNIS_GITHUB_TOKEN=github.user_token("carol"),
        KENNIS_GITHUB_API_URL=github.base_url,
    )
    done = subprocess.run(
        bot_command("reviews", "--repo", REPO, "--out", str(out)),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert read_reviews(out.read_bytes(), str(out)) == {"alice": 1}


@pytest.mark.slow  # runs kennis-bot and mkdocs against the stand-in
def test_the_deploy_workflows_review_credit_step_feeds_the_build_and_is_optional(
    world: dict[str, Any], github: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflow's own two steps, as written: without a token the site still builds."""
    number = _open_pr(world, github, "content/fresh.md", "edit-fresh")
    as_alice = Github(auth=Auth.Token(github.user_token("alice")), base_url=github.base_url)
    as_alice.get_repo(REPO).get_pull(number).create_review(event="APPROVE", body="Good")
    steps = {s.get("name"): s for s in load("deploy.yml")["jobs"]["build"]["steps"]}
    runner = tmp_path / "runner"
    runner.mkdir()

    def expand(text: str) -> str:
        text = text.replace("${{ github.repository }}", REPO)
        return text.replace("${{ runner.temp }}", str(runner))

    command = expand(steps["Review credit"]["run"]).replace(
        "kennis-bot", shlex.join(bot_command()), 1
    )
    monkeypatch.setenv("KENNIS_REVIEWS", expand(steps["Build (strict)"]["env"]["KENNIS_REVIEWS"]))
    root = tmp_path / "site"
    make_kb(root)  # its content folder is content/, like the pull request's page

    def step(**token: str) -> subprocess.CompletedProcess[str]:
        env = bot_env(world["data"], KENNIS_GITHUB_API_URL=github.base_url, **token)
        return subprocess.run(
            command, shell=True, cwd=root, env=env, capture_output=True, text=True, timeout=120
        )

    assert step().returncode != 0  # no token: the step fails (continue-on-error)...
    built = build(root)
    assert built.returncode == 0, built.output[-2000:]  # ...and the site is built all the same
    assert 'data-contributor="alice"' not in built.html("knowledge/contributors/")
    done = step(KENNIS_GITHUB_TOKEN=github.user_token("carol"))
    assert done.returncode == 0, done.stderr
    built = build(root)
    assert built.returncode == 0, built.output[-2000:]
    assert _row(built.html("knowledge/contributors/"), "alice")["reviews"] == "1"


@pytest.mark.parametrize(
    ("message", "email", "login", "credited"),
    [
        (
            "Confirm a.md\n\nConfirmed-by: sam <sam@users.noreply.github.com>\n",
            "kennis-bot@users.noreply.github.com",
            "kennis-bot[bot]",
            "sam",
        ),
        (
            "a.md: archived\n\nArchived-by: Sam O <12+sam@users.noreply.github.com>\n",
            "kennis-bot@users.noreply.github.com",
            None,
            "sam",
        ),
        (  # a person's own commit cannot hand the credit to someone else
            "Fix\n\nConfirmed-by: victim <1+victim@users.noreply.github.com>\n",
            "bob@example.com",
            "bob",
            "bob",
        ),
        ("Fix the limit\n", "bob@example.com", "bob", "bob"),
        ("Fix the limit\n", "9+bob@users.noreply.github.com", None, "bob"),
        ("Fix the limit\n", "bob@example.com", None, None),
        ("Bump\n", "x@example.com", "dependabot[bot]", None),
    ],
    ids=[
        "confirmation-credits-the-confirmer",
        "decision-trailer-with-numbered-noreply",
        "a-forged-trailer-credits-the-author",
        "edit-credits-its-author",
        "edit-by-noreply-address",
        "unknown-author",
        "bots-never",
    ],
)
def test_who_resolved_reader_feedback(
    message: str, email: str, login: str | None, credited: str | None
) -> None:
    assert resolver(message, email, login) == credited


def test_the_credit_file_keeps_reviews_and_resolved_feedback_apart(tmp_path: Path) -> None:
    path = tmp_path / "credit.json"
    review = {"login": "bob", "pull": 3, "state": "approved", "submitted_at": "2026-03-01"}
    fixed = {"login": "sam", "issue": 31, "page": "content/a.md", "resolved_at": "2026-03-02"}
    record(path, [review])
    record(path, [fixed], "feedback_resolved")
    record(path, [fixed], "feedback_resolved")  # once
    record(path, [review])
    raw = path.read_bytes()
    assert read_reviews(raw, "f") == {"bob": 1} and read_resolved(raw, "f") == {"sam": 1}
