"""front_matter: false: confirmations live in .github/kennis-reviews.yml and no page is touched."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kennis.cli import main
from kennis.kb import load_kb
from kennis.tree import WorkTree
from tests.botproc import SECRET, start_bot
from tests.duebot import (
    CONFIG,
    git,
    listed,
    make_world,
    merge,
    open_issues,
    pulls,
    scan,
    settled,
    tick_due_box,
)
from tests.gitrepo import GitRepo
from tests.sitekit import build

SIDECAR = ".github/kennis-reviews.yml"
FILES = {
    ".github/kennis.yml": CONFIG + "front_matter: false\n",
    "content/.meta.yml": 'owner: "@alice"\n',
    "content/due.md": "# Due\n\nNo front matter here, ever.\n",
    "content/fresh.md": "# Fresh\n\nNeither here.\n",
    SIDECAR: (
        "# Written by kennis: who confirmed which page, and when.\n"
        "content/due.md:\n  reviewed: 2025-08-01  # before the move\n"
        "content/fresh.md:\n  reviewed: 2026-01-01\n  reviewed_by: '@alice'\n"
    ),
}


def repo_with(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "kb")
    for path, text in FILES.items():
        repo.write(path, text)
    repo.commit("start", date="2025-01-01T09:00:00+00:00")
    return repo


def test_check_and_stale_read_the_sidecar(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    checked = CliRunner().invoke(main, ["check", "--root", str(repo.root)])
    assert checked.exit_code == 0 and "all good" in checked.output
    stale = CliRunner().invoke(
        main, ["stale", "--as-of", "2026-03-01", "--format", "json", "--root", str(repo.root)]
    )
    rows = json.loads(stale.output)["pages"]
    assert [(r["path"], r["reviewed"]) for r in rows] == [("content/due.md", "2025-08-01")]


def test_verify_changes_only_the_sidecar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = repo_with(tmp_path)
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(
        main,
        [
            "verify",
            "content/due.md",
            "--by",
            "@alice",
            "--on",
            "2026-03-02",
            "--root",
            str(repo.root),
        ],
    )
    assert result.exit_code == 0, result.output
    assert repo.git("status", "--porcelain").split() == ["M", SIDECAR]
    text = (repo.root / SIDECAR).read_text()
    assert text.startswith("# Written by kennis")  # comments kept
    assert "reviewed: 2026-03-02" in text and "reviewed_by: '@alice'" in text
    kb = load_kb(WorkTree(repo.root))
    page = kb.page("content/due.md")
    assert page is not None and page.reviewed.isoformat() == "2026-03-02"
    assert page.reviewed_by is not None and page.reviewed_by.text == "@alice"


def test_a_bad_sidecar_entry_is_reported_with_its_line(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    repo.write(SIDECAR, "content/due.md:\n  reviewed: last week\n")
    checked = CliRunner().invoke(main, ["check", "--root", str(repo.root)])
    assert checked.exit_code == 1
    assert f"{SIDECAR}:2:" in checked.output and "reviewed" in checked.output


def test_owner_decisions_recorded_in_the_sidecar_are_read_as_the_pages_top_layer() -> None:
    from kennis.owner_actions import parse_commands
    from kennis.reviews_file import decide_in_sidecar
    from kennis.tree import MemoryTree

    files = {path: text.encode() for path, text in FILES.items()}
    kb = load_kb(MemoryTree(files))
    raw: bytes | None = files[SIDECAR]
    on = date(2026, 3, 2)
    for command in parse_commands(
        "/archive content/due.md\n/handover content/fresh.md @carol --drop\n"
        "/snooze content/fresh.md 2 weeks\n/snooze content/due.md 5 years"
    ):
        page = kb.page(command.path)
        assert page is not None
        raw = decide_in_sidecar(raw, command, [page], on)
    assert raw is not None
    text = raw.decode()
    assert text.startswith("# Written by kennis") and "# before the move" in text
    after = load_kb(MemoryTree({**files, SIDECAR: raw}))
    assert after.errors == []
    due, fresh = after.page("content/due.md"), after.page("content/fresh.md")
    assert due is not None and (due.status, due.archived) == ("archived", on)
    assert due.snoozed_until is None  # longer than the review interval: refused, not written
    assert fresh is not None and fresh.owner is not None and fresh.owner.handle.text == "@carol"
    assert fresh.coauthors == ()  # --drop: the previous owner does not stay on as co-author
    assert fresh.snoozed_until == date(2026, 3, 16)
    assert fresh.reviewed == date(2026, 1, 1)  # the review already recorded stays


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_a_bot_confirmation_changes_only_the_sidecar(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any
) -> None:
    world = make_world(tmp_path, github, app_key, files=FILES)
    tick_due_box(world, github, webhook_sender)
    (pr,) = pulls(github)
    head = pr.pull.head_ref
    assert git(world["remote"], "diff", "--name-only", "main", head).split() == [SIDECAR]
    sidecar = git(world["remote"], "show", f"{head}:{SIDECAR}")
    assert sidecar.startswith("# Written by kennis") and "reviewed_by: '@alice'" in sidecar
    merge(world["remote"], pr)
    assert scan(world).returncode == 0
    still = open_issues(github).get("@alice")
    assert still is None or listed(still) == [], still.body


def test_the_site_shows_the_sidecar_reviews(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    repo.write(
        "mkdocs.yml",
        "site_name: KB\ndocs_dir: content\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - kennis/pageinfo\n",
    )
    built = build(repo.root, as_of="2026-03-01")
    assert built.returncode == 0, built.output[-2000:]
    fresh = (built.site / "fresh/index.html").read_text()
    due = (built.site / "due/index.html").read_text()
    assert 'data-kennis-state="fresh"' in fresh and "2026-01-01" in fresh
    assert 'data-kennis-state="due"' in due
    assert repo.git("status", "--porcelain") == "?? mkdocs.yml"  # no page touched by the build


@pytest.mark.slow  # runs kennis-bot processes against the stand-in
def test_owner_commands_change_only_the_sidecar(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any
) -> None:
    from tests.test_bot_owner_commands import _comment

    files = {**FILES, "content/soon.md": "# Soon\n\nNo front matter either.\n"}
    world = make_world(tmp_path, github, app_key, files=files)
    assert scan(world).returncode == 0
    issue = open_issues(github)["@alice"]
    body = (
        "/archive content/due.md\n/handover content/fresh.md @carol\n"
        "/snooze content/soon.md 2 weeks"
    )
    bot = start_bot(world["data"], **world["env"])
    try:
        sender = webhook_sender(f"http://127.0.0.1:{bot.port}/webhook", secret=SECRET)
        payload = _comment(sender, issue.number, "alice", 901, body)
        first = sender.send("issue_comment", payload=payload)
        sender.send("issue_comment", payload=payload, delivery_id=first.delivery_id)
        sender.send("issue_comment", payload=payload)  # a fresh delivery of the same comment
        settled(bot, 2)
    finally:
        bot.stop()
    (pr,) = pulls(github)
    head = pr.pull.head_ref
    remote = world["remote"]
    assert git(remote, "diff", "--name-only", "main", head).split() == [SIDECAR]
    listed_pages = [line for line in (pr.body or "").splitlines() if line.startswith("- ")]
    assert listed_pages == [f"- `content/{n}.md`" for n in ("due", "fresh", "soon")]  # not the file
    assert "no page file changes" in (pr.body or "") and "front matter" not in (pr.body or "")
    for path in ("content/due.md", "content/fresh.md", "content/soon.md"):
        assert git(remote, "show", f"{head}:{path}") == files[path]  # every page byte kept
    assert len(git(remote, "rev-list", f"main..{head}").split()) == 3  # no repeats
    trailers = git(remote, "log", "--format=%(trailers)", f"main..{head}")
    for key in ("Archived-by", "Handed-over-by", "Snoozed-by"):
        assert f"{key}: alice <alice@users.noreply.github.com>" in trailers
    sidecar = git(remote, "show", f"{head}:{SIDECAR}")
    assert sidecar.startswith("# Written by kennis") and "# before the move" in sidecar
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", "-b", head, str(remote), str(checkout)], check=True)
    kb = load_kb(WorkTree(checkout))
    assert kb.errors == []
    due, fresh, soon = (kb.page(f"content/{n}.md") for n in ("due", "fresh", "soon"))
    day = date.fromisoformat(git(remote, "log", "-1", "--format=%cs", head).strip())
    assert due is not None and (due.status, due.archived) == ("archived", day)
    assert due.reviewed == date(2025, 8, 1)  # the confirmation already there stays
    assert fresh is not None and fresh.owner is not None and fresh.owner.handle.text == "@carol"
    assert [c.handle.text for c in fresh.coauthors] == ["@alice"]
    assert soon is not None and soon.snoozed_until is not None and soon.snoozed_until > day
    assert "carol" in pr.pull.requested_users  # the new owner is asked too
